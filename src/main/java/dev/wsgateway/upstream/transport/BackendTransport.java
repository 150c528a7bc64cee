package dev.wsgateway.upstream.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.tyrus.spi.ClientEngine;

/**
 * The gateway's transport to its backends: a few selector threads ({@code ws-gateway-backend-N}) that every
 * backend connection is spread over, the TLS settings for {@code wss://} backends, and a pool of the buffers a
 * connection holds only while bytes wait. Tyrus reaches it through {@link NioClientContainer}.
 */
public final class BackendTransport implements AutoCloseable {
    /** The key, in a Tyrus client's properties, of the transport its {@link NioClientContainer} uses. */
    public static final String PROPERTY = "dev.wsgateway.upstream.transport";
    /** The key, in a Tyrus client's properties, of a {@link BackendTls} for one connect (else the transport's). */
    public static final String TLS_PROPERTY = "dev.wsgateway.upstream.transport.tls";
    /** The key, in a backend session's user properties, of its connection's read gate. */
    public static final String READ_GATE = "dev.wsgateway.upstream.transport.readGate";

    private final IoLoop[] loops;
    private final BackendTls defaultTls;
    private final BufferPool pool;
    private final AtomicInteger next = new AtomicInteger();
    /** Open connections on loops the transport does not own (a server's I/O threads): closed with it too. */
    private final Set<BackendConnection> elsewhere = ConcurrentHashMap.newKeySet();

    /**
     * @param threads       selector threads (at least one)
     * @param threadFactory makes them (the server's managed factory where there is one); they are renamed
     *                      {@code ws-gateway-backend-N} and get this class's loader as context class loader
     * @param defaultTls    trust for {@code wss://} backends unless a connect brings its own
     */
    public BackendTransport(int threads, ThreadFactory threadFactory, BackendTls defaultTls) {
        if (threads < 1) {
            throw new IllegalArgumentException("the backend transport needs at least one thread, not " + threads);
        }
        this.defaultTls = defaultTls;
        this.pool = new BufferPool(17 * 1024 + 512, 256 * threads);
        this.loops = new IoLoop[threads];
        ClassLoader loader = BackendTransport.class.getClassLoader();
        try {
            for (int i = 0; i < threads; i++) {
                loops[i] = new IoLoop("ws-gateway-backend-" + (i + 1), loader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the backend transport", e);
        }
        for (IoLoop loop : loops) {
            Thread t = threadFactory.newThread(loop);
            t.setName(loop.name());
            t.setDaemon(true);
            t.start();
        }
    }

    /** One thread per core, plain threads, the JVM's default trust: for tests and tools. */
    public static BackendTransport standalone() {
        return new BackendTransport(Runtime.getRuntime().availableProcessors(), Thread::new, BackendTls.jvmDefault());
    }

    BackendTls defaultTls() {
        return defaultTls;
    }

    BufferPool pool() {
        return pool;
    }

    public int threads() {
        return loops.length;
    }

    /**
     * Starts Tyrus's handshake on the next thread in turn. Returns the handshake (to abort it); failures, also
     * those found here, reach the engine ({@code processError}), never the caller.
     *
     * @param tls null for the transport's own
     */
    public Handshake open(ClientEngine engine, int timeoutMillis, BackendTls tls) {
        return open(engine, timeoutMillis, tls, null);
    }

    /**
     * Starts Tyrus's handshake on the given loop (a server's I/O thread, say, shared with the client's
     * connection), or on the next of the transport's own threads when it is null.
     */
    public Handshake open(ClientEngine engine, int timeoutMillis, BackendTls tls, Loop near) {
        Loop loop = near != null ? near : loops[Math.floorMod(next.getAndIncrement(), loops.length)];
        Handshake handshake = new Handshake(this, loop, engine, tls, timeoutMillis);
        try {
            handshake.start();
        } catch (IOException | RuntimeException e) {
            handshake.failedToStart(e);
        }
        return handshake;
    }

    void track(BackendConnection connection) {
        if (!(connection.loop() instanceof IoLoop)) {
            elsewhere.add(connection);
        }
    }

    void forget(BackendConnection connection) {
        elsewhere.remove(connection);
    }

    /**
     * Stops the threads; open connections close (their sessions see 1006) and pending handshakes fail, those
     * on other loops too.
     */
    @Override
    public void close() {
        for (IoLoop loop : loops) {
            loop.stop();
        }
        IOException stopping = new IOException("the gateway's backend transport is shutting down");
        for (BackendConnection connection : elsewhere) {
            connection.loop().execute(() -> connection.failed(stopping));
        }
    }
}
