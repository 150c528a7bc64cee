package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wsgateway.it.RecordingBackend.Received;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client's last messages before its close: every message a client sent before its close frame reaches the
 * backend, in order, followed by the client's own close code and reason. The JDK client sends its close right
 * after its messages and then shuts its side of the connection, so the close frame and the end of the stream
 * often arrive at the server in the same read as the last messages. Each test repeats that many times (a lost
 * message was a race: on WildFly 7 rounds of 40 lost some), and reports every round that went wrong.
 */
class LastMessagesIT extends GatewayTestBase {
    /** Rounds per test; more for a longer hunt: {@code -Dgateway.it.last-messages.rounds=400}. */
    private static final int ROUNDS = Integer.getInteger("gateway.it.last-messages.rounds", 40);
    private static final int MESSAGES = 10;
    private static final int CONCURRENT_CLIENTS = 50;
    /** The texts the client sends in one round: {@code 1:xxx...} to {@code 10:xxx...}, 1000 characters each. */
    private static List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= MESSAGES; i++) {
            texts.add(RecordingBackend.numbered(i, 1000));
        }
        return texts;
    }

    /** What the backend should record after a round: the messages, each whole, then the client's close. */
    private static List<String> expected(List<String> messages) {
        List<String> expected = new ArrayList<>(messages);
        expected.add("close 1000 done");
        return expected;
    }

    /**
     * What the backend recorded, in the words of {@link #expected}: the texts, the binary messages by their length,
     * the close. A message's parts are joined: WildFly hands a client's frame over in parts when it arrives in
     * parts, and the gateway relays them as fragments (docs/compatibility.md).
     */
    private static List<String> recorded(List<Received> received) {
        List<String> recorded = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long binary = 0;
        for (Received r : received) {
            if (r.isClose()) {
                recorded.add("close " + r.close().getCloseCode().getCode() + " " + r.close().getReasonPhrase());
            } else if (r.text() != null) {
                text.append(r.text());
                if (r.last()) {
                    recorded.add(text.toString());
                    text.setLength(0);
                }
            } else if (r.pong() == null) {
                binary += r.binaryLength();
                if (r.last()) {
                    recorded.add("binary " + binary);
                    binary = 0;
                }
            }
        }
        return recorded;
    }

    /** One client's round: connect, send the messages, close with 1000 "done"; what the backend recorded. */
    private String round(String path, List<String> messages, boolean binary) throws Exception {
        try (WsClient client = WsClient.connect(ws(path))) {
            long session = TestBackend.nextOpenedSession();
            send(client, messages, binary);
            client.close(1000, "done");
            return verdict(session, messages);
        }
    }

    private static void send(WsClient client, List<String> messages, boolean binary) throws Exception {
        for (String m : messages) {
            if (binary) {
                client.send(new byte[Integer.parseInt(m.substring("binary ".length()))]);
            } else {
                client.send(m);
            }
        }
    }

    /** Null when the backend session recorded exactly the messages and the close; otherwise what it recorded. */
    private static String verdict(long session, List<String> messages) throws Exception {
        List<String> recorded = recorded(RecordingBackend.receivedUntilClosed(session));
        if (recorded.equals(expected(messages))) {
            return null;
        }
        return "backend session " + session + " recorded " + shorten(recorded);
    }

    /** A recording in a line: long texts by their number only. */
    private static String shorten(List<String> recorded) {
        List<String> shortened = new ArrayList<>();
        for (String r : recorded) {
            shortened.add(r.length() > 40 ? r.substring(0, r.indexOf(':') + 1) + "..." : r);
        }
        return shortened.toString();
    }

    /** {@link #ROUNDS} rounds of {@link #round}, each failure named. */
    private void assertEveryRoundRelays(String path, List<String> messages, boolean binary) throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            String failure = round(path, messages, binary);
            if (failure != null) {
                failures.add("round " + round + ": " + failure);
            }
        }
        assertNoFailures(ROUNDS, failures);
    }

    private static void assertNoFailures(int rounds, List<String> failures) {
        assertEquals(List.of(), failures, failures.size() + " of " + rounds
                + " rounds did not relay every message before the client's close, then the close");
    }

    @Test
    void everyTextSentBeforeTheClientsCloseReachesTheBackendInOrderThenTheClose() throws Exception {
        admin().createRoute("lm-text", "/lm/text", backend.uri("/record"), "");
        assertEveryRoundRelays("/lm/text", texts(), false);
    }

    @Test
    void everyBinaryMessageSentBeforeTheClientsCloseReachesTheBackendInOrderThenTheClose() throws Exception {
        admin().createRoute("lm-binary", "/lm/binary", backend.uri("/record"), "");
        // sizes that tell the messages apart: 4001 to 4010 bytes
        List<String> messages = new ArrayList<>();
        for (int i = 1; i <= MESSAGES; i++) {
            messages.add("binary " + (4000 + i));
        }
        assertEveryRoundRelays("/lm/binary", messages, true);
    }

    @Test
    void everyLargeMessageSentBeforeTheClientsCloseReachesTheBackendThoughTheyPauseTheClientsReads() throws Exception {
        // each message is over the route's budget of bytes in flight, so the gateway pauses the client's reads
        // while it is sent (on WildFly with suspendReceives) and the close waits unread meanwhile
        admin().createRoute("lm-large", "/lm/large", backend.uri("/record"), "\"maxInFlightBytes\":16384");
        List<String> messages = new ArrayList<>();
        for (int i = 1; i <= MESSAGES; i++) {
            messages.add("binary " + (64 * 1024 + i));
        }
        assertEveryRoundRelays("/lm/large", messages, true);
    }

    @Test
    void everyMessageOfManyClientsClosingAtOnceReachesTheBackendInOrderThenTheClose() throws Exception {
        admin().createRoute("lm-many", "/lm/many", backend.uri("/record"), "");
        List<WsClient> clients = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(CONCURRENT_CLIENTS);
        try {
            for (int c = 0; c < CONCURRENT_CLIENTS; c++) {
                clients.add(WsClient.connect(ws("/lm/many?client=" + c)));
            }
            Map<String, Long> sessions = new HashMap<>();
            for (int c = 0; c < CONCURRENT_CLIENTS; c++) {
                EchoBackend.Event<String> opened = TestBackend.nextOpenedEvent();
                sessions.put(opened.value(), opened.session());
            }
            List<Future<?>> rounds = new ArrayList<>();
            for (WsClient client : clients) {
                rounds.add(senders.submit(() -> {
                    send(client, texts(), false);
                    client.close(1000, "done");
                    return null;
                }));
            }
            for (Future<?> r : rounds) {
                r.get(60, TimeUnit.SECONDS);
            }
            List<String> failures = new ArrayList<>();
            for (int c = 0; c < CONCURRENT_CLIENTS; c++) {
                Long session = sessions.get("/record?client=" + c);
                String failure = verdict(session, texts());
                if (failure != null) {
                    failures.add("client " + c + ": " + failure);
                }
            }
            assertNoFailures(CONCURRENT_CLIENTS, failures);
        } finally {
            senders.shutdownNow();
            clients.forEach(WsClient::close);
        }
    }
}
