package dev.wsgateway.upstream.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.upstream.LoopbackServerContainerFactory;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.io.DataInputStream;
import java.io.InputStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.core.HandshakeException;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The backend transport against real sockets on loopback: raw backends written by hand, and Tyrus servers. The
 * connections live on the transport's own selector threads; {@link XnioLoopTransportTest} runs the same tests
 * with them on an XNIO I/O thread.
 */
class BackendTransportTest {
    private static final Path TRUST = resource("/tls/trust.p12");

    private final BackendTransport transport = new BackendTransport(2, Thread::new,
            BackendTls.trusting(TRUST, "changeit".toCharArray(), "PKCS12", true));
    private final ClientManager container = ClientManager.createClient(NioClientContainer.class.getName());
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A TLS test backend's endpoint: echoes text. */
    @ServerEndpoint("/echo")
    public static class Echo {
        @OnOpen
        public void open(Session session) {
            session.setMaxTextMessageBufferSize(1 << 20);
        }

        @OnMessage
        public String text(String message) {
            return message;
        }

        @OnClose
        public void closed(CloseReason reason) {
            CLOSES_SEEN.add(reason);
        }
    }

    /** The closes the TLS test backends saw. */
    static final BlockingQueue<CloseReason> CLOSES_SEEN = new LinkedBlockingQueue<>();

    /** Records what a backend session receives. */
    static final class Recorder extends Endpoint {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
        final AtomicInteger closeCount = new AtomicInteger();
        volatile Thread openedOn;

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            openedOn = Thread.currentThread();
            session.setMaxTextMessageBufferSize(1 << 20);
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) texts::add);
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            closeCount.incrementAndGet();
            closes.add(closeReason);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        container.shutdown();
        transport.close();
    }

    private CompletableFuture<Session> open(String uri, Endpoint endpoint, int timeoutMillis) {
        return open(uri, endpoint, timeoutMillis, Map.of(), null);
    }

    private CompletableFuture<Session> open(String uri, Endpoint endpoint, int timeoutMillis,
                                            Map<String, Object> properties, BackendTls tls) {
        return AsyncConnect.open(transport, container, endpoint, ClientEndpointConfig.Builder.create().build(),
                URI.create(uri), properties, timeoutMillis, tls, near());
    }

    /** Where the connects go: null for the transport's own threads. */
    Loop near() {
        return null;
    }

    /** Whether {@code thread} is one a connection of {@link #near()} (or of the transport) runs on. */
    boolean isLoopThread(Thread thread) {
        return thread.getName().startsWith("ws-gateway-backend-");
    }

    /** Whether the connection's socket has Nagle's algorithm off. */
    boolean noDelay(Wire wire) throws IOException {
        return ((NioWire) wire).channel().getOption(StandardSocketOptions.TCP_NODELAY);
    }

    private RawBackend raw(RawBackend backend) {
        toClose.add(backend);
        return backend;
    }

    private static BackendConnection connectionOf(Session session) {
        return assertInstanceOf(BackendConnection.class, session.getUserProperties().get(BackendTransport.READ_GATE));
    }

    @Test
    void framesSentTogetherWithThe101ReachTheEndpointOnTheLoopThreadOverANoDelaySocket() throws Exception {
        RawBackend backend = raw(new RawBackend());
        Recorder recorder = new Recorder();
        CompletableFuture<Session> opening = open(backend.uri("/x"), recorder, 5000);
        RawBackend.Accepted accepted = backend.accept();
        accepted.switchProtocols(RawBackend.text("sent along"));
        Session session = opening.get(5, TimeUnit.SECONDS);
        assertEquals("sent along", recorder.texts.poll(5, TimeUnit.SECONDS));
        assertTrue(isLoopThread(recorder.openedOn), recorder.openedOn.getName());
        assertTrue(noDelay(connectionOf(session).wire()));
        session.close();
    }

    @Test
    void aSendTheSocketTakesAtOnceCompletesOnTheCallingThread() throws Exception {
        RawBackend backend = raw(new RawBackend());
        CompletableFuture<Session> opening = open(backend.uri("/x"), new Recorder(), 5000);
        backend.accept().switchProtocols(new byte[0]);
        Session session = opening.get(5, TimeUnit.SECONDS);
        AtomicReference<Thread> completedOn = new AtomicReference<>();
        session.getAsyncRemote().sendText("hello", result -> completedOn.set(Thread.currentThread()));
        assertSame(Thread.currentThread(), completedOn.get(), "the write was handed to another thread");
        assertEquals(0, connectionOf(session).partialWrites());
    }

    @Test
    void writesABackendDoesNotReadWaitInTheQueueAndAllArriveWhenItReadsAgain() throws Exception {
        RawBackend backend = raw(new RawBackend());
        CompletableFuture<Session> opening = open(backend.uri("/x"), new Recorder(), 5000);
        RawBackend.Accepted accepted = backend.accept();
        accepted.switchProtocols(new byte[0]);
        Session session = opening.get(5, TimeUnit.SECONDS);
        BackendConnection connection = connectionOf(session);

        byte[] payload = new byte[64 * 1024];
        List<Future<Void>> sends = new ArrayList<>();
        while (connection.queuedWrites() == 0) {
            assertTrue(sends.size() < 4000, "the socket never filled up");
            sends.add(session.getAsyncRemote().sendBinary(ByteBuffer.wrap(payload)));
        }
        Future<Void> last = sends.get(sends.size() - 1);
        assertFalse(last.isDone(), "a send completed although its bytes wait in the queue");

        long[] total = {0};
        RawBackend.readFrames(accepted.socket().getInputStream(), (long) payload.length * sends.size(), total);
        for (Future<Void> send : sends) {
            send.get(10, TimeUnit.SECONDS);
        }
        assertEquals((long) payload.length * sends.size(), total[0]);
        assertEquals(0, connection.queuedWrites());
    }

    @Test
    void pausedReadsLeaveFramesInTheSocketUntilResumed() throws Exception {
        RawBackend backend = raw(new RawBackend());
        Recorder recorder = new Recorder();
        CompletableFuture<Session> opening = open(backend.uri("/x"), recorder, 5000);
        RawBackend.Accepted accepted = backend.accept();
        accepted.switchProtocols(new byte[0]);
        Session session = opening.get(5, TimeUnit.SECONDS);
        BackendConnection gate = connectionOf(session);

        gate.pause();
        RawBackend.write(accepted.socket().getOutputStream(), RawBackend.text("held back"));
        assertNull(recorder.texts.poll(300, TimeUnit.MILLISECONDS), "read although paused");
        gate.resume();
        assertEquals("held back", recorder.texts.poll(5, TimeUnit.SECONDS));

        gate.pause();
        gate.pause(); // pausing twice is still one pause
        RawBackend.write(accepted.socket().getOutputStream(), RawBackend.text("again"));
        assertNull(recorder.texts.poll(200, TimeUnit.MILLISECONDS), "read although paused");
        gate.resume();
        assertEquals("again", recorder.texts.poll(5, TimeUnit.SECONDS));
    }

    /**
     * Eight threads send at once, each waiting for its own send before the next, into a backend with a small
     * receive buffer that reads as fast as it can: writes go out inline, fill the socket, queue, and are
     * flushed by the selector while other threads queue more. A wake-up lost anywhere leaves a send waiting.
     */
    @Test
    void concurrentWritersUnderLoadNeverLeaveASendWaiting() throws Exception {
        RawBackend backend = raw(RawBackend.withReceiveBuffer(8 * 1024));
        CompletableFuture<Session> opening = open(backend.uri("/x"), new Recorder(), 5000);
        RawBackend.Accepted accepted = backend.accept();
        accepted.switchProtocols(new byte[0]);
        Session session = opening.get(5, TimeUnit.SECONDS);

        int writers = 8;
        int messagesEach = 250;
        long[] sizes = new long[writers];
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < messagesEach; i++) {
                    byte[] payload = new byte[random.nextInt(1, 48 * 1024)];
                    sizes[writer] += payload.length;
                    session.getAsyncRemote().sendBinary(ByteBuffer.wrap(payload)).get(10, TimeUnit.SECONDS);
                }
                return null;
            }));
        }
        AtomicLong expected = new AtomicLong(Long.MAX_VALUE);
        AtomicLong total = new AtomicLong();
        BackendConnection connection = connectionOf(session);
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            try {
                // reads in stretches of 256 KiB and then stops until a write has had to queue (or 50 ms passed),
                // so that writes keep filling the socket and the selector keeps flushing while threads send
                DataInputStream in = new DataInputStream(accepted.socket().getInputStream());
                long stretch = 0;
                while (total.get() < expected.get()) {
                    total.addAndGet(RawBackend.readFrame(in));
                    stretch += 1;
                    if (total.get() / (256 * 1024) != (total.get() - 1) / (256 * 1024) || stretch > 64) {
                        stretch = 0;
                        int partials = connection.partialWrites();
                        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
                        while (connection.partialWrites() == partials && System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                }
                return total.get();
            } catch (IOException e) {
                return -1L;
            }
        });
        start.countDown();
        try {
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long sent = 1; // and the marker below
        for (long s : sizes) {
            sent += s;
        }
        expected.set(sent);
        session.getAsyncRemote().sendBinary(ByteBuffer.wrap(new byte[1])).get(10, TimeUnit.SECONDS);
        assertEquals(sent, reader.get(10, TimeUnit.SECONDS));
        assertTrue(connectionOf(session).partialWrites() > 0, "no write was ever partial: the test proves nothing");
    }

    @Test
    void aBackendThatNeverAcceptsTimesOutConnecting() throws Exception {
        RawBackend backend = raw(new RawBackend(1));
        // fill the listen queue, so the kernel stops completing connections to it
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            toClose.add(s);
            try {
                s.connect(new InetSocketAddress("127.0.0.1", backend.port()), 200);
            } catch (SocketTimeoutException e) {
                break;
            }
        }
        long started = System.nanoTime();
        ExecutionException e = failure(open(backend.uri("/x"), new Recorder(), 500));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        SocketTimeoutException timeout = cause(e, SocketTimeoutException.class);
        assertTrue(timeout.getMessage().contains("accepted the connection"), timeout.getMessage());
        assertTrue(tookMillis >= 450 && tookMillis < 5000, "took " + tookMillis + " ms");
    }

    @Test
    void aBackendThatNeverAnswersTheUpgradeTimesOut() throws Exception {
        RawBackend backend = raw(new RawBackend());
        CompletableFuture<Session> opening = open(backend.uri("/x"), new Recorder(), 500);
        RawBackend.Accepted accepted = backend.accept();
        SocketTimeoutException timeout = cause(failure(opening), SocketTimeoutException.class);
        assertTrue(timeout.getMessage().contains("answered the upgrade"), timeout.getMessage());
        assertEquals(-1, accepted.socket().getInputStream().read(), "the connection stayed open");
    }

    @Test
    void aNon101AnswerFailsWithItsStatus() throws Exception {
        RawBackend backend = raw(new RawBackend());
        CompletableFuture<Session> opening = open(backend.uri("/x"), new Recorder(), 5000);
        backend.accept().answer("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        assertEquals(403, cause(failure(opening), HandshakeException.class).getHttpStatusCode());
    }

    @Test
    void aRedirectIsFollowedOnANewConnection() throws Exception {
        RawBackend first = raw(new RawBackend());
        RawBackend second = raw(new RawBackend());
        Map<String, Object> properties = new HashMap<>();
        properties.put(ClientProperties.REDIRECT_ENABLED, true);
        Recorder recorder = new Recorder();
        CompletableFuture<Session> opening = open(first.uri("/old"), recorder, 5000, properties, null);
        RawBackend.Accepted asked = first.accept();
        asked.answer("HTTP/1.1 307 Temporary Redirect\r\nLocation: " + second.uri("/new?q=1") + "\r\n\r\n");
        RawBackend.Accepted redirected = second.accept();
        assertTrue(redirected.request().startsWith("GET /new?q=1 HTTP/1.1\r\n"), redirected.request());
        redirected.switchProtocols(RawBackend.text("moved"));
        opening.get(5, TimeUnit.SECONDS);
        assertEquals("moved", recorder.texts.poll(5, TimeUnit.SECONDS));
        assertEquals(-1, asked.socket().getInputStream().read(), "the first connection stayed open");
    }

    /**
     * Tyrus keeps a partial frame in a buffer of its own between reads; once a read leaves nothing there, the
     * connection makes it let go of the buffer (it would keep it, at its largest size, for the session's life).
     */
    @Test
    void aFrameSplitAcrossReadsArrivesWholeAndTyrusKeepsNoBufferAfterIt() throws Exception {
        RawBackend backend = raw(new RawBackend());
        Recorder recorder = new Recorder();
        CompletableFuture<Session> opening = open(backend.uri("/x"), recorder, 5000);
        RawBackend.Accepted accepted = backend.accept();
        accepted.switchProtocols(new byte[0]);
        Session session = opening.get(5, TimeUnit.SECONDS);
        BackendConnection connection = connectionOf(session);
        byte[] frame = RawBackend.text("x".repeat(120));
        int half = frame.length / 2;
        RawBackend.write(accepted.socket().getOutputStream(), java.util.Arrays.copyOf(frame, half));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (connection.tyrusBuffered() <= 0) { // the half frame, past its header
            assertTrue(System.nanoTime() < until, "the first half was not read: " + connection.tyrusBuffered());
            Thread.onSpinWait();
        }
        assertNull(recorder.texts.poll(100, TimeUnit.MILLISECONDS), "a message from half a frame");
        RawBackend.write(accepted.socket().getOutputStream(), java.util.Arrays.copyOfRange(frame, half, frame.length));
        assertEquals("x".repeat(120), recorder.texts.poll(5, TimeUnit.SECONDS));
        until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (connection.tyrusBuffered() != -1) {
            assertTrue(System.nanoTime() < until, "Tyrus still keeps a buffer: " + connection.tyrusBuffered());
            Thread.onSpinWait();
        }
    }

    @Test
    void aClosedConnectionIsNotKeptAliveByItsLingerDeadline() throws Exception {
        RawBackend backend = raw(new RawBackend());
        Recorder recorder = new Recorder();
        CompletableFuture<Session> opening = open(backend.uri("/x"), recorder, 5000);
        RawBackend.Accepted accepted = backend.accept();
        accepted.switchProtocols(new byte[0]);
        Session session = opening.get(5, TimeUnit.SECONDS);
        ReferenceQueue<BackendConnection> collected = new ReferenceQueue<>();
        WeakReference<BackendConnection> connection = new WeakReference<>(connectionOf(session), collected);
        session.close(); // Tyrus writes its close frame and closes: the connection waits (lingers) for the FIN
        accepted.socket().close(); // ... which comes at once
        assertNotNull(recorder.closes.poll(5, TimeUnit.SECONDS), "no close reported");
        opening = null;
        session = null;
        // the linger deadline is 5 s; a connection it still held would outlive this wait
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (connection.get() != null && System.nanoTime() < until) {
            System.gc();
            collected.remove(100);
        }
        assertNull(connection.get(), "the closed connection is still reachable (from its linger deadline?)");
    }

    @Test
    void closingTheTransportClosesItsOpenConnectionsWhereverTheyLive() throws Exception {
        RawBackend backend = raw(new RawBackend());
        Recorder recorder = new Recorder();
        CompletableFuture<Session> opening = open(backend.uri("/x"), recorder, 5000);
        RawBackend.Accepted accepted = backend.accept();
        accepted.switchProtocols(new byte[0]);
        Session session = opening.get(5, TimeUnit.SECONDS);
        transport.close();
        CloseReason reason = recorder.closes.poll(5, TimeUnit.SECONDS);
        assertNotNull(reason, "no close reported");
        assertEquals(CloseReason.CloseCodes.CLOSED_ABNORMALLY, reason.getCloseCode());
        assertFalse(session.isOpen());
        assertEquals(-1, accepted.socket().getInputStream().read(), "the socket stayed open");
    }

    @Test
    void aVanishingBackendIsReportedOnceAsAbnormalClosure() throws Exception {
        RawBackend backend = raw(new RawBackend());
        Recorder recorder = new Recorder();
        CompletableFuture<Session> opening = open(backend.uri("/x"), recorder, 5000);
        RawBackend.Accepted accepted = backend.accept();
        accepted.switchProtocols(new byte[0]);
        Session session = opening.get(5, TimeUnit.SECONDS);
        accepted.socket().close();
        CloseReason reason = recorder.closes.poll(5, TimeUnit.SECONDS);
        assertNotNull(reason, "no close reported");
        assertEquals(CloseReason.CloseCodes.CLOSED_ABNORMALLY, reason.getCloseCode());
        assertFalse(session.isOpen());
        connectionOf(session).failed(new IOException("a late failure")); // nothing more to report
        assertEquals(1, recorder.closeCount.get());
    }

    @Test
    void anAbandonedConnectClosesItsConnection() throws Exception {
        RawBackend backend = raw(new RawBackend());
        Recorder recorder = new Recorder();
        CompletableFuture<Session> opening = open(backend.uri("/x"), recorder, 5000);
        RawBackend.Accepted accepted = backend.accept();
        opening.cancel(false);
        InputStream in = accepted.socket().getInputStream();
        accepted.socket().setSoTimeout(5000);
        assertEquals(-1, in.read(), "the abandoned connection stayed open");
        assertNull(recorder.openedOn);
    }

    @Test
    void tlsHandshakeEchoAndCloseWithAVerifiedCertificate() throws Exception {
        Server server = tlsServer("/tls/backend.p12");
        Recorder recorder = new Recorder();
        Session session = open("wss://127.0.0.1:" + server.getPort() + "/echo", recorder, 5000).get(10, TimeUnit.SECONDS);
        String big = "x".repeat(200_000); // many TLS records each way
        session.getBasicRemote().sendText("hello over TLS");
        session.getBasicRemote().sendText(big);
        assertEquals("hello over TLS", recorder.texts.poll(5, TimeUnit.SECONDS));
        assertEquals(big, recorder.texts.poll(5, TimeUnit.SECONDS));
        CLOSES_SEEN.clear();
        session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(4999), "done"));
        CloseReason reason = recorder.closes.poll(5, TimeUnit.SECONDS);
        assertEquals(4999, reason.getCloseCode().getCode());
        CloseReason atBackend = CLOSES_SEEN.poll(5, TimeUnit.SECONDS);
        assertEquals(4999, atBackend.getCloseCode().getCode(), "the backend saw " + atBackend);
        assertEquals("done", atBackend.getReasonPhrase());
    }

    @Test
    void hostnameVerificationRejectsACertificateForAnotherName() throws Exception {
        Server server = tlsServer("/tls/wrong-name.p12"); // trusted, but issued to wrong.example
        ExecutionException e = failure(open("wss://127.0.0.1:" + server.getPort() + "/echo", new Recorder(), 5000));
        SSLHandshakeException tls = cause(e, SSLHandshakeException.class);
        assertTrue(String.valueOf(tls.getMessage()).contains("127.0.0.1"), tls.getMessage());
    }

    @Test
    void withoutTheTrustStoreAnUnknownCertificateIsRejected() throws Exception {
        Server server = tlsServer("/tls/backend.p12");
        ExecutionException e = failure(open("wss://127.0.0.1:" + server.getPort() + "/echo", new Recorder(), 5000,
                Map.of(), BackendTls.jvmDefault()));
        cause(e, SSLHandshakeException.class);
    }

    private Server tlsServer(String keyStore) throws Exception {
        Server server = startTlsEcho(keyStore);
        toClose.add(server::stop);
        return server;
    }

    /** A started Tyrus server on loopback speaking TLS with the key store's certificate, echoing text at /echo. */
    static Server startTlsEcho(String keyStore) throws Exception {
        Server server = new Server("127.0.0.1", -1, "/", Map.of(LoopbackServerContainerFactory.KEY_STORE, keyStore),
                Echo.class);
        server.start();
        return server;
    }

    static ExecutionException failure(CompletableFuture<Session> opening) throws Exception {
        try {
            Session s = opening.get(10, TimeUnit.SECONDS);
            throw new AssertionError("connected: " + s);
        } catch (ExecutionException e) {
            return e;
        }
    }

    static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + e, e);
    }

    private static Path resource(String name) {
        try {
            return Path.of(BackendTransportTest.class.getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
