package dev.wsgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.QuietPeer;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.Side;
import dev.wsgateway.route.Route;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend side against a real Tyrus server: pipelined sends keep every message and its order, fragmented
 * messages still go part by part, and Tyrus's per-message idle-timer restarts never reach a timer thread.
 */
class BackendPipelineTest {
    private static final Route ROUTE = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 5000, 60,
            1 << 20, 0, true, List.of(), 1);

    /** Echoes each whole message back, text as text and binary as binary. */
    @ServerEndpoint("/echo")
    public static class Echo {
        @OnMessage
        public String text(String message) {
            return message;
        }

        @OnMessage
        public ByteBuffer binary(ByteBuffer message) {
            return message;
        }
    }

    /** The client side of the pair: records what the relay passes to it. */
    static final class Recorder extends QuietPeer {
        private final List<String> messages = new ArrayList<>();
        private final StringBuilder current = new StringBuilder();
        private CountDownLatch expected = new CountDownLatch(0);

        synchronized CountDownLatch expect(int count) {
            expected = new CountDownLatch(count);
            return expected;
        }

        synchronized List<String> messages() {
            return List.copyOf(messages);
        }

        private synchronized void part(String kind, String part, boolean last) {
            current.append(part);
            if (last) {
                messages.add(kind + " " + current);
                current.setLength(0);
                expected.countDown();
            }
        }

        @Override
        public void sendText(String part, boolean last, Sent sent) {
            part("text", part, last);
            sent.completed(null);
        }

        @Override
        public void sendBinary(ByteBuffer part, boolean last, Sent sent) {
            part("binary", StandardCharsets.UTF_8.decode(part).toString(), last);
            sent.completed(null);
        }
    }

    private Server server;
    private BackendConnector connector;
    private final AtomicReference<RelaySession> finished = new AtomicReference<>();
    private final Recorder client = new Recorder();
    private RelaySession relay;
    private Session backend;

    @BeforeEach
    void connect() throws Exception {
        server = new Server("127.0.0.1", -1, "/", Map.of(), Echo.class);
        server.start();
        connector = new BackendConnector(8, 1 << 20);
        relay = new RelaySession("s1", ROUTE, "192.0.2.1", finished::set);
        backend = connector.connect(URI.create("ws://127.0.0.1:" + server.getPort() + "/echo"), List.of(), Map.of(),
                5000, relay);
        relay.clientOpened(client);
    }

    @AfterEach
    void stop() throws IOException {
        backend.close();
        connector.close();
        server.stop();
    }

    @Test
    void pipelinedMessagesAllComeBackInOrder() throws Exception {
        CountDownLatch done = client.expect(600);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String body = "m" + i + "-" + "x".repeat(i % 7 == 0 ? 70_000 : i % 50);
            if (i % 2 == 0) {
                relay.text(Side.CLIENT, body, true);
                sent.add("text " + body);
            } else {
                relay.binary(Side.CLIENT, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), true);
                sent.add("binary " + body);
            }
        }
        assertTrue(done.await(20, TimeUnit.SECONDS), "echoes missing: got " + client.messages().size());
        assertEquals(sent, client.messages());
    }

    @Test
    void fragmentedMessagesBetweenPipelinedOnesArriveWhole() throws Exception {
        CountDownLatch done = client.expect(4);
        relay.text(Side.CLIENT, "before", true);
        relay.text(Side.CLIENT, "frag", false);
        relay.text(Side.CLIENT, "ment", false);
        relay.text(Side.CLIENT, "ed", true);
        relay.binary(Side.CLIENT, ByteBuffer.wrap("bin".getBytes(StandardCharsets.UTF_8)), false);
        relay.binary(Side.CLIENT, ByteBuffer.wrap("ary".getBytes(StandardCharsets.UTF_8)), true);
        relay.text(Side.CLIENT, "after", true);
        assertTrue(done.await(10, TimeUnit.SECONDS), "echoes missing: got " + client.messages());
        assertEquals(List.of("text before", "text fragmented", "binary binary", "text after"), client.messages());
    }

    @Test
    void tyrusIdleTimerRestartsRunInlineAndNeverReachTheTimerThread() throws Exception {
        BackendSessionContainer container = assertInstanceOf(BackendSessionContainer.class, backend.getContainer());
        assertEquals(0, backend.getMaxIdleTimeout());
        CountDownLatch done = client.expect(200);
        for (int i = 0; i < 200; i++) {
            relay.text(Side.CLIENT, "m" + i, true);
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        ScheduledThreadPoolExecutor timers = (ScheduledThreadPoolExecutor) container.getScheduledExecutorService();
        assertEquals(0, timers.getTaskCount(), "Tyrus scheduled per-message work on the timer thread");
    }

    @Test
    void timersRunDueTasksInlineAndDelayedOnesLater() throws Exception {
        BackendSessionContainer.Timers timers = new BackendSessionContainer.Timers();
        try {
            Thread caller = Thread.currentThread();
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            ScheduledFuture<?> now = timers.schedule(() -> ranOn.set(Thread.currentThread()), 0, TimeUnit.MILLISECONDS);
            assertSame(caller, ranOn.get());
            assertTrue(now.isDone());

            CountDownLatch later = new CountDownLatch(1);
            AtomicReference<Thread> laterOn = new AtomicReference<>();
            timers.schedule(() -> {
                laterOn.set(Thread.currentThread());
                later.countDown();
            }, 20, TimeUnit.MILLISECONDS);
            assertTrue(later.await(5, TimeUnit.SECONDS));
            assertEquals("ws-gateway-backend-timers", laterOn.get().getName());

            ScheduledFuture<?> cancelled = timers.schedule(() -> { }, 1, TimeUnit.HOURS);
            cancelled.cancel(false);
            assertTrue(timers.getQueue().isEmpty(), "a cancelled timer stays queued");
        } finally {
            timers.shutdownNow();
        }
    }
}
