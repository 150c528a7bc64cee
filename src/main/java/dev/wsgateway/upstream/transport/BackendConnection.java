package dev.wsgateway.upstream.transport;

import dev.wsgateway.relay.ReadGate;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.glassfish.tyrus.core.CloseReasons;
import org.glassfish.tyrus.core.TyrusUpgradeResponse;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * One TCP connection to a backend, from connect to close: Tyrus's {@link Writer} for it and the backend half of
 * the relay's backpressure ({@link ReadGate}).
 *
 * <p>Threads. Everything that reads (the connect, the TLS handshake, the 101, and then frames handed to Tyrus's
 * {@link ReadHandler}) runs on the connection's {@link Loop}. Writes run on whatever thread calls
 * {@link #write}: the bytes go to the socket right there; only what the socket does not take at once is queued,
 * and the loop writes it when the socket is writable. The queue, the interest set and the phase change under one
 * lock, so a write queued by one thread is never left without write interest (the lost wake-up of tyrus#678).
 * Completion handlers run after the lock is released.
 */
final class BackendConnection extends Writer implements ReadGate, Wire.Events {
    private static final Logger LOG = Logger.getLogger(BackendConnection.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** How long a closed connection may still try to write what was queued before it (a close frame, say). */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Reads in a row from one connection before the loop serves the others. */
    private static final int READS_PER_TURN = 8;
    /** Tyrus's read handler's own buffer (see {@link #releaseTyrusBuffer}); null when this Tyrus has none. */
    private static final VarHandle TYRUS_BUFFER = tyrusBuffer();

    enum Phase { CONNECTING, TLS, UPGRADING, OPEN, CLOSED }

    /** A write not yet fully on the socket. For TLS, {@code sealed} holds encrypted bytes not yet written. */
    private static final class Pending {
        final ByteBuffer data;
        final CompletionHandler<ByteBuffer> handler;
        ByteBuffer sealed;
        boolean wrapped;

        Pending(ByteBuffer data, CompletionHandler<ByteBuffer> handler) {
            this.data = data;
            this.handler = handler;
        }
    }

    private final Loop loop;
    /** The socket, from before the connect starts (set once, then only read). */
    private volatile Wire wire;
    /** The handshake that opened this connection, until it is open (loop only): nothing needs it after. */
    private Handshake handshake;
    private final BackendTransport transport;
    private final SSLEngine tls;
    /** The upgrade request's bytes, until they are handed to the socket. */
    private ByteBuffer request;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>(2);
    private volatile Phase phase = Phase.CONNECTING;
    private volatile boolean readsPaused;
    private boolean closeWhenFlushed;
    /** Tyrus closed the connection and our side is shut (FIN sent): what still arrives is read and dropped. */
    private volatile boolean draining;
    /** How often a write had to be queued (tests read it). */
    private int partialWrites;
    private boolean reported;
    private UpgradeMessages.ResponseReader response;
    private ReadHandler reader;
    private Connection tyrus;
    /** A partial TLS record read but not yet decryptable (loop only). */
    private ByteBuffer partialRecord;
    /** The deadline of a close that waits for the backend's FIN (loop only). */
    private Loop.Timer linger;

    BackendConnection(Loop loop, Handshake handshake, BackendTransport transport, SSLEngine tls, ByteBuffer request) {
        this.loop = loop;
        this.handshake = handshake;
        this.transport = transport;
        this.tls = tls;
        this.request = request;
    }

    Phase phase() {
        return phase;
    }

    Wire wire() {
        return wire;
    }

    Loop loop() {
        return loop;
    }

    // ---- connect, TLS, upgrade (loop) ----

    /** Starts connecting on the loop (the calling thread only opens the socket). */
    void connect(InetSocketAddress address) throws IOException {
        loop.connect(address, this);
    }

    @Override
    public void attached(Wire attached) {
        this.wire = attached;
    }

    @Override
    public void connected() {
        try {
            if (tls != null) {
                setPhase(Phase.TLS);
                tls.beginHandshake();
                advanceTls();
            } else {
                startUpgrade();
            }
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    private void startUpgrade() throws IOException {
        response = new UpgradeMessages.ResponseReader();
        setPhase(Phase.UPGRADING);
        ByteBuffer bytes = request;
        request = null;
        writeInternal(bytes);
    }

    /** The backend's answer to the upgrade is complete; {@code rest} holds what came after its head. */
    private void responded(TyrusUpgradeResponse answer, ByteBuffer rest) {
        response = null;
        handshake.responded(this, answer, rest);
    }

    /** Tyrus accepted the 101: frames from now on go to its read handler, starting with any sent along. */
    void opened(Connection connection, ByteBuffer rest) {
        this.tyrus = connection;
        this.reader = connection.getReadHandler();
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.OPEN;
            handshake = null; // read only before OPEN
            updateInterest();
        } finally {
            lock.unlock();
        }
        if (rest.hasRemaining()) {
            reader.handle(rest);
        }
    }

    // ---- readiness (loop) ----

    @Override
    public void writable() {
        try {
            flushQueue();
            if (phase == Phase.TLS) {
                advanceTls();
            }
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void readable() {
        if (phase == Phase.CLOSED || readsPaused && phase == Phase.OPEN && !draining) {
            return; // (paused: the wire saw the old interest; it has the new one by the next turn)
        }
        try {
            readAvailable();
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    private void readAvailable() throws IOException {
        try {
            readChunks();
        } finally {
            if (phase == Phase.OPEN) {
                releaseTyrusBuffer();
            }
        }
    }

    private void readChunks() throws IOException {
        ByteBuffer buffer = loop.buffers().read;
        for (int turn = 0; turn < READS_PER_TURN; turn++) {
            buffer.clear();
            if (partialRecord != null) {
                buffer.put(partialRecord.flip());
                transport.pool().give(partialRecord);
                partialRecord = null;
            }
            int space = buffer.remaining();
            int n = wire.read(buffer);
            if (n < 0) {
                ended(tls != null && buffer.position() > 0);
                return;
            }
            if (n == 0 && buffer.position() == 0) {
                return;
            }
            buffer.flip();
            if (draining) {
                continue; // the backend's last words (its close reply): nobody listens any more
            }
            if (tls != null) {
                unwrap(buffer);
            } else {
                deliver(buffer);
            }
            if (n < space || phase == Phase.CLOSED || (readsPaused && phase == Phase.OPEN && !draining)) {
                return;
            }
        }
    }

    private static VarHandle tyrusBuffer() {
        try {
            Class<?> handler = Class.forName("org.glassfish.tyrus.client.TyrusClientEngine$TyrusReadHandler", false,
                    ReadHandler.class.getClassLoader());
            return MethodHandles.privateLookupIn(handler, MethodHandles.lookup())
                    .findVarHandle(handler, "buffer", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Tyrus's read handler keeps its buffer (field not found)", e);
            return null;
        }
    }

    /**
     * Tyrus's read handler copies what it is handed into a heap buffer of its own, and keeps that buffer, empty,
     * until the next read: for the connection's whole life, at the largest size a frame made it grow to (one
     * 16 MiB frame, and 16 MiB stay with the session). Once the socket is drained and Tyrus holds no partial
     * frame, the connection lets go of it; Tyrus allocates one again, of the size it needs, on the next read.
     */
    private void releaseTyrusBuffer() {
        if (TYRUS_BUFFER == null || reader == null) {
            return;
        }
        try {
            ByteBuffer kept = (ByteBuffer) TYRUS_BUFFER.get(reader);
            if (kept != null && !kept.hasRemaining()) {
                TYRUS_BUFFER.set(reader, (ByteBuffer) null);
            }
        } catch (ClassCastException | UnsupportedOperationException e) {
            // another Tyrus read handler (not the client engine's): nothing of ours to release
        }
    }

    /** Plaintext from the backend: the upgrade response until it is complete, then frames for Tyrus. */
    private void deliver(ByteBuffer data) throws IOException {
        if (draining) {
            data.position(data.limit());
            return;
        }
        Phase now = phase;
        if (now == Phase.UPGRADING && response != null) {
            TyrusUpgradeResponse answer = response.offer(data);
            if (answer != null) {
                responded(answer, data);
            }
        } else if (now == Phase.OPEN) {
            reader.handle(data);
        } else if (now != Phase.CLOSED && data.hasRemaining()) {
            throw new IOException("the backend sent data before the handshake");
        }
    }

    /** Decrypts what was read, record by record; a trailing partial record is kept for the next read. */
    private void unwrap(ByteBuffer net) throws IOException {
        int size = tls.getSession().getApplicationBufferSize();
        while (true) {
            ByteBuffer plain = loop.buffers().plaintext(size);
            SSLEngineResult result = tls.unwrap(net, plain);
            plain.flip();
            if (plain.hasRemaining()) {
                deliver(plain);
            }
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    keepPartial(net);
                    return;
                }
                case BUFFER_OVERFLOW -> {
                    size = Math.max(size * 2, tls.getSession().getApplicationBufferSize());
                    continue;
                }
                case CLOSED -> {
                    ended(false);
                    return;
                }
                default -> {
                }
            }
            if (phase == Phase.CLOSED) {
                return;
            }
            if (handshaking()) {
                advanceTls();
            }
            if (!net.hasRemaining() || phase == Phase.CLOSED) {
                return;
            }
        }
    }

    private void keepPartial(ByteBuffer net) {
        if (!net.hasRemaining()) {
            return;
        }
        BufferPool pool = transport.pool();
        ByteBuffer keep = net.remaining() <= pool.size() ? pool.take() : ByteBuffer.allocate(net.remaining());
        keep.put(net);
        partialRecord = keep;
    }

    private boolean handshaking() {
        SSLEngineResult.HandshakeStatus status = tls.getHandshakeStatus();
        return status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && status != SSLEngineResult.HandshakeStatus.FINISHED || phase == Phase.TLS;
    }

    /** Moves the TLS handshake on as far as it goes without more bytes from the backend. */
    private void advanceTls() throws IOException {
        while (true) {
            switch (tls.getHandshakeStatus()) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = tls.getDelegatedTask()) != null) {
                        task.run(); // certificate checks: CPU only, on this loop as the rest of the handshake
                    }
                }
                case NEED_WRAP -> {
                    if (!writeInternal(EMPTY.duplicate())) {
                        return; // the socket is full: the rest of the handshake goes on when it is writable
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (tls.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
                        unwrap(EMPTY.duplicate());
                        continue;
                    }
                    return; // wait for the backend's bytes
                }
                default -> {
                    if (phase == Phase.TLS) {
                        startUpgrade();
                    }
                    return;
                }
            }
            if (phase == Phase.CLOSED) {
                return;
            }
        }
    }

    /** The backend closed its side ({@code truncated}: in the middle of a TLS record). */
    private void ended(boolean truncated) {
        if (draining) {
            closeNow();
        } else if (phase == Phase.OPEN) {
            closeNow();
            reportAbnormalClose();
        } else if (phase != Phase.CLOSED) {
            failed(new IOException(truncated ? "the backend closed the connection in a TLS record"
                    : "the backend closed the connection during the handshake"));
        }
    }

    /** An I/O failure: before the upgrade completed, the handshake fails; after, Tyrus hears of a 1006. */
    @Override
    public void failed(Throwable e) {
        Phase was = phase;
        closeNow();
        if (was == Phase.OPEN) {
            LOG.log(Level.FINE, "backend connection failed", e);
            reportAbnormalClose();
        } else if (was != Phase.CLOSED) {
            handshake.failed(this, e);
        }
    }

    private void reportAbnormalClose() {
        Connection connection;
        lock.lock();
        try {
            if (reported || tyrus == null) {
                return;
            }
            reported = true;
            connection = tyrus;
        } finally {
            lock.unlock();
        }
        connection.close(CloseReasons.CLOSED_ABNORMALLY.getCloseReason());
    }

    // ---- writes (any thread) ----

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
        IOException failure = null;
        boolean ioError = false;
        boolean done = false;
        lock.lock();
        try {
            if (phase == Phase.CLOSED || closeWhenFlushed) {
                failure = new IOException("the backend connection is closed");
            } else if (queue.isEmpty()) {
                Pending p = new Pending(buffer, handler);
                if (flush(p)) {
                    done = true;
                } else {
                    queue.add(p);
                    partialWrites++;
                    updateInterest();
                }
            } else {
                queue.add(new Pending(buffer, handler));
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            ioError = true;
        } finally {
            lock.unlock();
        }
        if (done) {
            if (handler != null) {
                handler.completed(buffer);
            }
        } else if (failure != null) {
            if (handler != null) {
                handler.failed(failure);
            }
            if (ioError) {
                IOException cause = failure;
                loop.execute(() -> failed(cause));
            }
        }
    }

    /**
     * A write of the transport's own (the upgrade request, TLS handshake records), on the loop. False when it
     * had to be queued (or the connection is closed).
     */
    private boolean writeInternal(ByteBuffer data) throws IOException {
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return false;
            }
            if (!queue.isEmpty()) {
                return false; // TLS: the queued write wraps what the engine needs when its turn comes
            }
            Pending p = new Pending(data, null);
            if (!flush(p)) {
                queue.add(p);
                updateInterest();
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The socket is writable: writes what was queued, in order, as far as it goes. */
    private void flushQueue() throws IOException {
        List<Pending> written = new ArrayList<>(2);
        boolean close = false;
        lock.lock();
        try {
            Pending p;
            while ((p = queue.peek()) != null && flush(p)) {
                queue.poll();
                written.add(p);
            }
            close = queue.isEmpty() && closeWhenFlushed;
            if (close) {
                shutOutput();
            } else {
                updateInterest();
            }
        } finally {
            lock.unlock();
            for (Pending p : written) {
                if (p.handler != null) {
                    p.handler.completed(p.data);
                }
            }
        }
    }

    /** Under the lock: writes as much of one pending write as the socket takes; true when all of it went. */
    private boolean flush(Pending p) throws IOException {
        if (tls == null) {
            while (p.data.hasRemaining()) {
                if (wire.write(p.data) == 0) {
                    return false;
                }
            }
            return true;
        }
        while (true) {
            if (p.sealed != null) {
                while (p.sealed.hasRemaining()) {
                    if (wire.write(p.sealed) == 0) {
                        return false;
                    }
                }
                transport.pool().give(p.sealed);
                p.sealed = null;
            }
            if (p.wrapped && !p.data.hasRemaining()) {
                return true;
            }
            ByteBuffer sealed = transport.pool().take();
            SSLEngineResult result = tls.wrap(p.data, sealed);
            p.wrapped = true;
            sealed.flip();
            p.sealed = sealed;
            if (result.getStatus() == SSLEngineResult.Status.CLOSED && p.data.hasRemaining()) {
                throw new SSLException("the TLS session to the backend is closed");
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                throw new SSLException("a TLS record does not fit the pool's buffers");
            }
        }
    }

    /** Under the lock: tells the wire what this connection's state wants to hear of, once it is connected. */
    private void updateInterest() {
        if (phase == Phase.CONNECTING || phase == Phase.CLOSED) {
            return; // the wire finishes the connect by itself; a closed one hears of nothing
        }
        wire.interest(!(readsPaused && phase == Phase.OPEN && !draining), !queue.isEmpty());
    }

    private void setPhase(Phase next) {
        lock.lock();
        try {
            if (phase != Phase.CLOSED) {
                phase = next;
                updateInterest();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- read gate (any thread) ----

    @Override
    public void pause() {
        lock.lock();
        try {
            readsPaused = true;
            updateInterest();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resume() {
        lock.lock();
        try {
            readsPaused = false;
            updateInterest();
        } finally {
            lock.unlock();
        }
    }

    boolean readsPaused() {
        return readsPaused;
    }

    // ---- close ----

    /**
     * Tyrus is done with the connection: what was queued before (its close frame, typically) is still written,
     * for a few seconds at most, then the socket closes.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (phase == Phase.CLOSED || closeWhenFlushed || draining) {
                return;
            }
            reported = true; // Tyrus closed it: nothing more to report
            if (phase != Phase.OPEN) {
                closeNow();
                return;
            }
            closeWhenFlushed = true;
            if (queue.isEmpty()) {
                shutOutput();
            }
        } finally {
            lock.unlock();
        }
        loop.execute(() -> {
            if (phase != Phase.CLOSED) { // else closed meanwhile: releaseBuffers has run or is queued behind
                linger = loop.schedule(System.nanoTime() + LINGER_NANOS, this::closeNow);
            }
        });
    }

    /**
     * Under the lock, once everything Tyrus wrote is on the socket: sends FIN and reads on until the backend
     * closes too (or the linger time is up). Closing at once instead would reset the connection if any bytes
     * of the backend were still unread, and a reset can throw away our close frame before the backend reads it.
     */
    private void shutOutput() {
        draining = true;
        try {
            wire.shutdownOutput();
            updateInterest();
        } catch (IOException e) {
            LOG.log(Level.FINEST, "shutting a backend socket's output failed", e);
            loop.execute(this::closeNow);
        }
    }

    /** Closes the socket at once; queued writes fail. Safe from any thread, any number of times. */
    void closeNow() {
        List<Pending> dropped;
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
            if (tls != null && queue.isEmpty() && !draining) {
                sendCloseNotify();
            }
            dropped = new ArrayList<>(queue);
            queue.clear();
            if (wire != null) {
                wire.close();
            }
        } finally {
            lock.unlock();
        }
        transport.forget(this);
        IOException closed = new IOException("the backend connection closed before this was written");
        for (Pending p : dropped) {
            if (p.sealed != null) {
                transport.pool().give(p.sealed);
            }
            if (p.handler != null) {
                p.handler.failed(closed);
            }
        }
        loop.execute(this::releaseBuffers);
    }

    private void releaseBuffers() {
        if (linger != null) {
            linger.cancel(); // it holds this connection, and so the whole session, until its time
            linger = null;
        }
        if (partialRecord != null) {
            transport.pool().give(partialRecord);
            partialRecord = null;
        }
    }

    /** Best effort, under the lock: tells a TLS backend the stream ends here, if the socket takes it now. */
    private void sendCloseNotify() {
        try {
            tls.closeOutbound();
            ByteBuffer sealed = transport.pool().take();
            tls.wrap(EMPTY.duplicate(), sealed);
            sealed.flip();
            wire.write(sealed);
            transport.pool().give(sealed);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINEST, "close_notify to a backend not sent", e);
        }
    }

    /** For tests (on the loop, or once nothing is read): the bytes Tyrus's read handler keeps, -1 for no buffer. */
    int tyrusBuffered() {
        ByteBuffer kept = TYRUS_BUFFER == null || reader == null ? null : (ByteBuffer) TYRUS_BUFFER.get(reader);
        return kept == null ? -1 : kept.remaining();
    }

    /** For tests: how often a write did not fully go out at once. */
    int partialWrites() {
        lock.lock();
        try {
            return partialWrites;
        } finally {
            lock.unlock();
        }
    }

    /** For tests: writes queued and not yet written. */
    int queuedWrites() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
