package dev.wsgateway.it;

import jakarta.websocket.CloseReason;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import dev.wsgateway.upstream.LoopbackServerContainerFactory;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.Server;

/** Starts and stops the Tyrus backend server on an ephemeral loopback port. */
final class TestBackend implements AutoCloseable {
    private final Server server;
    private final String scheme;

    private TestBackend(Server server, String scheme) {
        this.server = server;
        this.scheme = scheme;
    }

    static TestBackend start() throws Exception {
        // Frames of up to 32 MiB: some servers (Open Liberty) pass a client's 16 MiB frame on as one frame.
        Server server = new Server("127.0.0.1", -1, "/",
                Map.of(TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, 32 * 1024 * 1024 + 14),
                EchoBackend.class, DeepPathBackend.class, FlowBackends.Flood.class, FlowBackends.SlowReader.class,
                RecordingBackend.class);
        server.start();
        return new TestBackend(server, "ws");
    }

    /**
     * The same backend behind TLS ({@code wss://}), presenting the key in a test key store under
     * src/test/resources/tls (the gateway trusts them through {@code gateway.backend.tls.trust-store}).
     */
    static TestBackend startTls(String keyStore) throws Exception {
        Server server = new Server("127.0.0.1", -1, "/",
                Map.of(TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, 32 * 1024 * 1024 + 14,
                        LoopbackServerContainerFactory.KEY_STORE, keyStore),
                EchoBackend.class, DeepPathBackend.class);
        server.start();
        return new TestBackend(server, "wss");
    }

    String uri(String path) {
        return scheme + "://127.0.0.1:" + server.getPort() + path;
    }

    /** Sessions opened before this number belong to earlier tests: their late closes are not this test's. */
    private static volatile long firstSessionOfTest = 1;

    /** Called before each test: what the backend sees from now on belongs to it. */
    static void startOfTest() {
        firstSessionOfTest = EchoBackend.SESSIONS.get() + 1;
    }

    /** The next close of a session opened during this test, waiting at most 10 s. */
    static CloseReason nextClose() throws InterruptedException {
        return next(EchoBackend.CLOSES, "close");
    }

    /** The path and query of the next session opened during this test, waiting at most 10 s. */
    static String nextOpened() throws InterruptedException {
        return next(EchoBackend.OPENED, "opened session");
    }

    /** The number of the next backend session opened during this test, waiting at most 10 s. */
    static long nextOpenedSession() throws InterruptedException {
        return nextEvent(EchoBackend.OPENED, "opened session").session();
    }

    /** The next session opened during this test, its number and path and query, waiting at most 10 s. */
    static EchoBackend.Event<String> nextOpenedEvent() throws InterruptedException {
        return nextEvent(EchoBackend.OPENED, "opened session");
    }

    /**
     * The close of one backend session, waiting at most 10 s; closes of other sessions seen meanwhile are
     * set aside (they belong to other parts of the test) and named if this one does not come.
     */
    static CloseReason closeOf(long session) throws InterruptedException {
        StringBuilder others = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            EchoBackend.Event<CloseReason> e = EchoBackend.CLOSES.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("backend session " + session + " saw no close within 10 s; other closes: " + others);
            }
            if (e.session() == session) {
                return e.value();
            }
            others.append(" #").append(e.session()).append(' ').append(e.value());
        }
    }

    private static <T> T next(BlockingQueue<EchoBackend.Event<T>> events, String what) throws InterruptedException {
        return nextEvent(events, what).value();
    }

    private static <T> EchoBackend.Event<T> nextEvent(BlockingQueue<EchoBackend.Event<T>> events, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            EchoBackend.Event<T> e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("the backend saw no " + what + " of this test within 10 s");
            }
            if (e.session() >= firstSessionOfTest) {
                return e;
            }
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
