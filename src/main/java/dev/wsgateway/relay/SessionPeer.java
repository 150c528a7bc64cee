package dev.wsgateway.relay;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Peer} over a Jakarta WebSocket session, the client's (server side) or the backend's (Tyrus client).
 * Relayed frames come from one reading thread; keepalive pings come from the session timer. One lock keeps
 * them from ever being in flight together on the session.
 *
 * <p>A <em>pipelined</em> peer sends each part of a message asynchronously, with its container's own
 * asynchronous send ({@link PartSender}), and returns once the container has framed it (Tyrus copies and masks
 * the payload before it returns); the next send first waits for that one to be written. So there is still at
 * most one frame in flight per direction, but the relaying thread goes on reading while the write completes
 * instead of parking until a transport thread confirms it. Used for Tyrus, whose write confirmations always
 * come from another thread.
 *
 * <p>While a send waits for the one before it, the reads of the side whose frames these are stay paused
 * ({@link #pauseWhileWaiting}): on a container that reads on while a handler waits (Undertow), that is what
 * keeps a client from pushing without limit into a backend that does not read.
 */
public final class SessionPeer implements Peer {
    private static final Logger LOG = Logger.getLogger(SessionPeer.class.getName());
    /** How long a send waits for the one before it before the write repair runs (and again each time after). */
    private static final long REPAIR_AFTER_MILLIS = 20;
    /**
     * How long a send waits for the one before it before the sender's reads are paused. Most waits are for a
     * write that is done and only not yet confirmed by the transport's thread; pausing and resuming a server's
     * reads costs two hand-offs to its I/O thread, so only a wait longer than that is a backend that lags.
     */
    private static final long PAUSE_AFTER_MICROS = 200;
    private final Session session;
    private final RemoteEndpoint.Basic remote;
    private final PartSender parts;
    private final Runnable writeRepair;
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile ReadGate senderReads = ReadGate.NONE;
    private volatile long sendingSince;
    /** The pipelined send not yet known to be written, and when it started (written under the send lock). */
    private volatile Future<?> pending;
    private volatile long pendingSince;

    /**
     * Sends one part of a message without waiting for it to be written; the future completes when it is. Parts
     * go out in the order given; the relay never sends a part before the previous one's future completed.
     */
    public interface PartSender {
        Future<?> text(String part, boolean last);

        Future<?> binary(ByteBuffer part, boolean last);
    }

    /** A peer whose sends block until written (the container's basic remote). */
    public SessionPeer(Session session) {
        this(session, null, () -> { });
    }

    /**
     * @param parts       the container's asynchronous part sends: the peer is pipelined (see above); null for
     *                    blocking sends
     * @param writeRepair run while a send waits for its write and by {@link #nudge()}: gets a write going that
     *                    the container's write queue lost track of (see the Tyrus client's); a no-op elsewhere
     */
    public SessionPeer(Session session, PartSender parts, Runnable writeRepair) {
        this.session = session;
        this.remote = session.getBasicRemote();
        this.parts = parts;
        this.writeRepair = writeRepair;
    }

    @Override
    public void pauseWhileWaiting(ReadGate senderReads) {
        this.senderReads = senderReads;
    }

    @Override
    public void sendText(String part, boolean last) throws IOException {
        beginSend();
        try {
            if (parts != null) {
                pipeline(parts.text(part, last));
            } else {
                remote.sendText(part, last);
            }
        } finally {
            endSend();
        }
    }

    @Override
    public void sendBinary(ByteBuffer part, boolean last) throws IOException {
        beginSend();
        try {
            if (parts != null) {
                pipeline(parts.binary(part, last));
            } else {
                remote.sendBinary(part, last);
            }
        } finally {
            endSend();
        }
    }

    @Override
    public void sendPong(ByteBuffer applicationData) throws IOException {
        beginSend();
        try {
            remote.sendPong(applicationData);
        } finally {
            endSend();
        }
    }

    @Override
    public boolean tryPing(ByteBuffer applicationData) throws IOException {
        if (!sendLock.tryLock()) {
            return false;
        }
        try {
            Future<?> inFlight = pending;
            if (inFlight != null && !inFlight.isDone()) {
                return false;
            }
            sendingSince = System.nanoTime();
            remote.sendPing(applicationData);
            return true;
        } finally {
            endSend();
        }
    }

    /** Runs the write repair when a send is waiting for its write. */
    @Override
    public void nudge() {
        if (sendingSinceNanos() != 0) {
            writeRepair.run();
        }
    }

    @Override
    public long sendingSinceNanos() {
        long since = sendingSince;
        if (since != 0) {
            return since;
        }
        Future<?> inFlight = pending;
        return inFlight != null && !inFlight.isDone() ? pendingSince : 0;
    }

    /** Takes the send lock and waits for the pipelined send before this one to be written. */
    private void beginSend() throws IOException {
        sendLock.lock();
        sendingSince = System.nanoTime();
        Future<?> inFlight = pending;
        if (inFlight == null) {
            return;
        }
        pending = null;
        try {
            awaitWritten(inFlight);
        } catch (ExecutionException e) {
            endSend();
            throw new IOException("an earlier send failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endSend();
            throw new IOException("interrupted while waiting for an earlier send", e);
        }
    }

    /** Waits for a send to be written: briefly as it is, then with the sender's reads paused. */
    private void awaitWritten(Future<?> send) throws ExecutionException, InterruptedException {
        try {
            send.get(PAUSE_AFTER_MICROS, TimeUnit.MICROSECONDS);
            return;
        } catch (TimeoutException e) {
            // a lagging receiver: wait with the sender held back
        }
        ReadGate reads = senderReads;
        reads.pause();
        try {
            while (true) {
                try {
                    send.get(REPAIR_AFTER_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    writeRepair.run();
                }
            }
        } finally {
            reads.resume();
        }
    }

    private void pipeline(Future<?> send) {
        pendingSince = sendingSince;
        pending = send;
    }

    private void endSend() {
        sendingSince = 0;
        sendLock.unlock();
    }

    @Override
    public void close(int code, String reason) {
        if (!session.isOpen()) {
            return;
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), CloseCodes.truncate(reason)));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing a session that is already going", e);
        }
    }
}
