package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay end to end: a real client, the real WAR on a real server, a real backend. */
class RelayIT extends GatewayTestBase {
    private static boolean routesCreated;

    @BeforeEach
    void routes() throws Exception {
        if (!routesCreated) {
            Admin admin = admin();
            admin.createRoute("relay-echo", "/relay/echo", backend.uri("/echo"), "");
            admin.createRoute("relay-deep", "/relay/svc", backend.uri("/svc"), "");
            admin.createRoute("relay-small", "/relay/small", backend.uri("/echo"), "\"maxMessageBytes\":1024");
            admin.createRoute("relay-idle", "/relay/idle", backend.uri("/echo"), "\"idleTimeoutSeconds\":1");
            admin.createRoute("relay-v1-only", "/relay/v1only", backend.uri("/echo"), "\"subprotocols\":[\"chat.v1\"]");
            admin.createRoute("relay-keepalive", "/relay/keepalive", backend.uri("/echo"), "\"pingIntervalSeconds\":1");
            routesCreated = true;
        }
    }

    @Test
    void echoes100TextAnd100BinaryMessagesInOrder() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/echo"))) {
            for (int i = 0; i < 100; i++) {
                client.send("text-" + i);
                client.send(new byte[] {(byte) i, (byte) (i >> 8), 42});
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("text-" + i, client.nextText());
                assertArrayEquals(new byte[] {(byte) i, (byte) (i >> 8), 42}, client.nextBinary());
            }
        }
    }

    @Test
    void relaysA16MiBFragmentedMessageAsFragments() throws Exception {
        byte[] message = new byte[16 * 1024 * 1024];
        new Random(7).nextBytes(message);
        int fragment = 64 * 1024;
        try (WsClient client = WsClient.connect(ws("/relay/echo"))) {
            for (int off = 0; off < message.length; off += fragment) {
                byte[] part = java.util.Arrays.copyOfRange(message, off, off + fragment);
                client.sendPart(part, off + fragment >= message.length);
            }
            assertArrayEquals(message, client.nextBinary());
            assertTrue(client.partsReceived >= message.length / fragment,
                    "the echo came back in fragments, not as one assembled frame: " + client.partsReceived + " parts");
        }
    }

    @Test
    void relaysA16MiBMessageTheClientSendsAsOneFrame() throws Exception {
        byte[] message = new byte[16 * 1024 * 1024];
        new Random(11).nextBytes(message);
        try (WsClient client = WsClient.connect(ws("/relay/echo"))) {
            client.send(message);
            assertArrayEquals(message, client.nextBinary());
        }
    }

    @Test
    void relaysAnEightMiBMessageTheBackendSendsAsOneFrame() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/echo"))) {
            client.send("!frame " + 8 * 1024 * 1024);
            assertEquals(8 * 1024 * 1024, client.nextBinary().length);
        }
    }

    @Test
    void closes4999FromTheClientReachTheBackendWithTheirReason() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/echo"))) {
            client.send("ping");
            assertEquals("ping", client.nextText());
            client.close(4999, "client says bye");
            CloseReason atBackend = TestBackend.nextClose();
            assertEquals(4999, atBackend.getCloseCode().getCode());
            assertEquals("client says bye", atBackend.getReasonPhrase());
        }
    }

    @Test
    void closes4999FromTheBackendReachTheClientWithTheirReason() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/echo"))) {
            client.send("!close 4999 backend says bye");
            assertEquals(new WsClient.Closed(4999, "backend says bye"), client.awaitClose());
        }
    }

    /**
     * 1010 is only for clients to send. 1014 is left out: the Tyrus 2.1.5 client the gateway uses towards
     * backends refuses to receive it (README, compatibility).
     */
    @Test
    void keepsTheRegisteredCloseCodesTheBackendSends() throws Exception {
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 1012, 1013, 3000, 4000}) {
            try (WsClient client = WsClient.connect(ws("/relay/echo"))) {
                client.send("!close " + code + " code " + code);
                assertEquals(new WsClient.Closed(code, "code " + code), client.awaitClose(), "close code " + code);
            }
        }
    }

    /**
     * The JDK client can only send 1000 and 3000-4999; a raw client sends the rest, and waits for the server's
     * close reply as RFC 6455 asks (on WildFly, a client that drops the connection right after its close frame
     * may have it reported as an abnormal closure: README, compatibility). 1012-1014 are left out: WildFly's
     * Undertow does not report them faithfully when a client sends them.
     */
    @Test
    void keepsTheRegisteredCloseCodesTheClientSends() throws Exception {
        for (int code : new int[] {1000, 1001, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999}) {
            Socket client = RawWebSocket.client(base, "/ws/relay/echo");
            long backendSession = TestBackend.nextOpenedSession();
            assertEquals(code, RawWebSocket.closeCleanly(client, code, "code " + code), "the server's close reply");
            CloseReason atBackend = TestBackend.closeOf(backendSession);
            assertEquals(code, atBackend.getCloseCode().getCode(), "close code " + code + ", at the backend: " + atBackend);
            assertEquals("code " + code, atBackend.getReasonPhrase());
        }
    }

    @Test
    void theClientGetsTheSubprotocolTheBackendSelected() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/echo"), "chat.v3", "chat.v2", "chat.v1")) {
            // The backend picks the first of the client's offers it supports.
            assertEquals("chat.v2", client.subprotocol());
            client.send("!protocol");
            assertEquals("chat.v2", client.nextText());
        }
    }

    @Test
    void theRouteAllowListFiltersTheSubprotocolsOfferedToTheBackend() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/v1only"), "chat.v2", "chat.v1")) {
            assertEquals("chat.v1", client.subprotocol());
        }
    }

    @Test
    void noSubprotocolWhenTheBackendSelectsNone() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/svc/a/b"), "chat.v1")) {
            assertEquals("", client.subprotocol());
            assertEquals("/svc/a/b", client.nextText());
        }
    }

    @Test
    void appendsTheRestOfThePathAndForwardsTheQueryUnchanged() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/svc/orders/42?x=1&y=%20z&q=a%26b"))) {
            assertEquals("/svc/orders/42?x=1&y=%20z&q=a%26b", client.nextText());
        }
    }

    /**
     * With keepalive pings every second, a vanished client is found on every server, also where the server
     * itself never reports a client that went away without a close frame (Payara).
     */
    @Test
    void aClientThatVanishesClosesTheBackendWith1001() throws Exception {
        Socket raw = RawWebSocket.client(base, "/ws/relay/keepalive");
        TestBackend.nextOpened();
        raw.close();
        CloseReason atBackend = TestBackend.nextClose();
        assertEquals(1001, atBackend.getCloseCode().getCode());
    }

    @Test
    void aBackendThatVanishesClosesTheClientWith1011() throws Exception {
        try (RawWebSocket.VanishingBackend vanishing = new RawWebSocket.VanishingBackend(true)) {
            admin().createRoute("relay-vanishing", "/relay/vanishing", vanishing.uri(), "");
            try (WsClient client = WsClient.connect(ws("/relay/vanishing"))) {
                vanishing.vanish();
                WsClient.Closed closed = client.awaitClose();
                assertEquals(1011, closed.code());
                assertEquals("backend connection lost", closed.reason());
            }
        }
    }

    @Test
    void aBackendThatStopsAnsweringIsFoundByKeepaliveAndTheClientGets1011() throws Exception {
        try (RawWebSocket.VanishingBackend silentAfterHandshake = new RawWebSocket.VanishingBackend(true)) {
            admin().createRoute("relay-half-open", "/relay/halfopen", silentAfterHandshake.uri(), "\"pingIntervalSeconds\":1");
            try (WsClient client = WsClient.connect(ws("/relay/halfopen"))) {
                // The backend keeps its TCP connection open but never reads again: no pong comes back.
                assertEquals(new WsClient.Closed(1011, "backend connection lost"), client.awaitClose());
            }
        }
    }

    @Test
    void aClientSendingIntoABackendThatDoesNotReadIsHeldBack() throws Exception {
        try (RawWebSocket.VanishingBackend notReading = new RawWebSocket.VanishingBackend(true)) {
            admin().createRoute("relay-not-reading", "/relay/notreading", notReading.uri(), "");
            try (WsClient client = WsClient.connect(ws("/relay/notreading"))) {
                // The backend never reads after its handshake. What the sockets on the way hold (a few MB each)
                // may leave the client; then the gateway must stop reading it, not queue without end.
                long sent = client.sendUntilHeldBack(64 * 1024, 512L << 20, Duration.ofSeconds(3));
                assertTrue(sent < 96L << 20,
                        "the gateway took " + (sent >> 20) + " MB for a backend that reads nothing");
            }
        }
    }

    @Test
    void aMessageOverTheRouteLimitCloses1009ToTheSenderAnd1001ToThePeer() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/small"))) {
            client.send(new byte[1000]);
            assertEquals(1000, client.nextBinary().length);
            client.send(new byte[1025]);
            assertEquals(1009, client.awaitClose().code());
            assertEquals(1001, TestBackend.nextClose().getCloseCode().getCode());
        }
    }

    @Test
    void anIdleSessionIsClosedWith1001OnBothSides() throws Exception {
        try (WsClient client = WsClient.connect(ws("/relay/idle"))) {
            WsClient.Closed closed = client.awaitClose();
            assertEquals(new WsClient.Closed(1001, "idle timeout"), closed);
            assertEquals(1001, TestBackend.nextClose().getCloseCode().getCode());
        }
    }

    @Test
    void concurrentHandshakesEachGetTheirOwnBackendSession() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String query = "client=" + i;
                answers.add(pool.submit((Callable<String>) () -> {
                    try (WsClient client = WsClient.connect(ws("/relay/echo?" + query))) {
                        client.send("!uri");
                        return client.nextText();
                    }
                }));
            }
            for (int i = 0; i < 30; i++) {
                assertEquals("/echo?client=" + i, answers.get(i).get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void noSessionIsLeftBehindWhenEitherSideGoes() throws Exception {
        Admin admin = admin();
        // Keepalive every second: on Payara only keepalive finds the client that vanishes below.
        admin.createRoute("relay-leak", "/relay/leak", backend.uri("/echo"), "\"pingIntervalSeconds\":1");
        try (WsClient client = WsClient.connect(ws("/relay/leak"))) {
            client.close(4000, "client first");
            TestBackend.nextClose();
        }
        try (WsClient client = WsClient.connect(ws("/relay/leak"))) {
            client.send("!close 4001 backend first");
            client.awaitClose();
        }
        RawWebSocket.client(base, "/ws/relay/leak").close();
        TestBackend.nextClose();
        Await.until("no live session on the route", Duration.ofSeconds(10),
                () -> admin.as("GET", "/api/admin/sessions?route=relay-leak", null).body().equals("[]"));
    }

    @Test
    void relaysTextAsUtf8Faithfully() throws Exception {
        String text = "grüße 👋 " + "ü".repeat(5000);
        try (WsClient client = WsClient.connect(ws("/relay/echo"))) {
            client.send(text);
            assertEquals(text, client.nextText());
        }
    }
}
