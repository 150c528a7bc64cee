package dev.wsgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.route.Route;
import dev.wsgateway.upstream.transport.RawBackend;
import jakarta.websocket.Session;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connecting without a waiting thread: many handshakes wait at once, each failure has the blocking connect's kind. */
class BackendConnectAsyncTest {
    private static final Route ROUTE = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 5000, 60,
            1 << 20, 0, true, List.of(), 1);
    private final BackendConnector connector = new BackendConnector(2, 1 << 20);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        connector.close();
    }

    private CompletableFuture<Session> connect(String uri, int timeoutMillis) {
        return connector.connectAsync(URI.create(uri), List.of(), Map.of(), timeoutMillis,
                new RelaySession("s", ROUTE, "192.0.2.1", s -> { }), null);
    }

    @Test
    void hundredsOfHandshakesWaitForTheirBackendWithoutAThreadEach() throws Exception {
        RawBackend backend = new RawBackend(1000);
        toClose.add(backend);
        int count = 300;
        int threadsBefore = Thread.activeCount();
        List<CompletableFuture<Session>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pending.add(connect(backend.uri("/x"), 20_000));
        }
        List<RawBackend.Accepted> accepted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            accepted.add(backend.accept()); // every request is in; none is answered yet
        }
        int threadsWaiting = Thread.activeCount() - threadsBefore;
        assertTrue(threadsWaiting < 10, count + " waiting handshakes took " + threadsWaiting + " threads");
        assertTrue(pending.stream().noneMatch(CompletableFuture::isDone));

        for (RawBackend.Accepted a : accepted) {
            a.switchProtocols(new byte[0]);
        }
        for (CompletableFuture<Session> f : pending) {
            Session session = f.get(10, TimeUnit.SECONDS);
            assertTrue(session.isOpen());
            session.close();
        }
        for (RawBackend.Accepted a : accepted) {
            a.socket().close();
        }
    }

    @Test
    void aRefusedConnectionIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        assertEquals(BackendConnectException.Kind.UNREACHABLE, kindOf(connect("ws://127.0.0.1:" + port + "/x", 5000)));
    }

    @Test
    void aBackendThatNeverAnswersIsATimeoutWithinTheConnectTimeout() throws Exception {
        RawBackend backend = new RawBackend();
        toClose.add(backend);
        long started = System.nanoTime();
        CompletableFuture<Session> pending = connect(backend.uri("/x"), 300);
        toClose.add(backend.accept().socket());
        assertEquals(BackendConnectException.Kind.TIMEOUT, kindOf(pending));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aNon101AnswerIsARefusal() throws Exception {
        RawBackend backend = new RawBackend();
        toClose.add(backend);
        CompletableFuture<Session> pending = connect(backend.uri("/x"), 5000);
        RawBackend.Accepted a = backend.accept();
        a.answer("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n");
        assertEquals(BackendConnectException.Kind.REFUSED, kindOf(pending));
    }

    @Test
    void theBlockingConnectFailsWithTheSameKind() throws Exception {
        RawBackend backend = new RawBackend();
        toClose.add(backend);
        CompletableFuture<Void> answer = CompletableFuture.runAsync(() -> {
            try {
                backend.accept().answer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        BackendConnectException e = org.junit.jupiter.api.Assertions.assertThrows(BackendConnectException.class,
                () -> connector.connect(URI.create(backend.uri("/x")), List.of(), Map.of(), 5000,
                        new RelaySession("s", ROUTE, "192.0.2.1", s -> { })));
        assertEquals(BackendConnectException.Kind.REFUSED, e.kind());
        answer.get(5, TimeUnit.SECONDS);
    }

    private static BackendConnectException.Kind kindOf(CompletableFuture<Session> pending) throws Exception {
        try {
            Session s = pending.get(10, TimeUnit.SECONDS);
            throw new AssertionError("connected: " + s);
        } catch (ExecutionException e) {
            return assertInstanceOf(BackendConnectException.class, e.getCause()).kind();
        }
    }
}
