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
 * <p>A <em>pipelined</em> peer sends an unfragmented message asynchronously and returns once the container
 * has framed it (Tyrus copies and masks the payload before it returns); the next send first waits for that
 * one to be written. So there is still at most one message in flight per direction, but the relaying
 * thread goes on reading while the write completes instead of parking until a transport thread confirms
 * it. Used for Tyrus, whose write confirmations always come from another thread.
 */
public final class SessionPeer implements Peer {
    private static final Logger LOG = Logger.getLogger(SessionPeer.class.getName());
    /** How long a send waits for the one before it before the write repair runs (and again each time after). */
    private static final long REPAIR_AFTER_MILLIS = 20;
    private final Session session;
    private final RemoteEndpoint.Basic remote;
    private final RemoteEndpoint.Async async;
    private final Runnable writeRepair;
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile long sendingSince;
    /** The pipelined send not yet known to be written, and when it started (written under the send lock). */
    private volatile Future<Void> pending;
    private volatile long pendingSince;
    /** Between the first and the last part of a fragmented message (pipelined peers send only whole ones). */
    private boolean fragmenting;

    public SessionPeer(Session session) {
        this(session, false, () -> { });
    }

    /**
     * @param pipelined   whether unfragmented messages are sent asynchronously, one at a time (see above)
     * @param writeRepair run while a send waits for its write and by {@link #nudge()}: gets a write going that
     *                    the container's write queue lost track of (see the Tyrus client's); a no-op elsewhere
     */
    public SessionPeer(Session session, boolean pipelined, Runnable writeRepair) {
        this.session = session;
        this.remote = session.getBasicRemote();
        this.async = pipelined ? session.getAsyncRemote() : null;
        this.writeRepair = writeRepair;
    }

    @Override
    public void sendText(String part, boolean last) throws IOException {
        beginSend();
        try {
            if (whole(last)) {
                pipeline(async.sendText(part));
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
            if (whole(last)) {
                pipeline(async.sendBinary(part));
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
            Future<Void> inFlight = pending;
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
        Future<Void> inFlight = pending;
        return inFlight != null && !inFlight.isDone() ? pendingSince : 0;
    }

    /** Takes the send lock and waits for the pipelined send before this one to be written. */
    private void beginSend() throws IOException {
        sendLock.lock();
        sendingSince = System.nanoTime();
        Future<Void> inFlight = pending;
        if (inFlight == null) {
            return;
        }
        pending = null;
        try {
            while (true) {
                try {
                    inFlight.get(REPAIR_AFTER_MILLIS, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    writeRepair.run();
                }
            }
        } catch (ExecutionException e) {
            endSend();
            throw new IOException("an earlier send failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endSend();
            throw new IOException("interrupted while waiting for an earlier send", e);
        }
    }

    /** Whether this part is a whole message to pipeline; tracks fragmented messages otherwise. */
    private boolean whole(boolean last) {
        boolean whole = async != null && last && !fragmenting;
        fragmenting = !last;
        return whole;
    }

    private void pipeline(Future<Void> send) {
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
