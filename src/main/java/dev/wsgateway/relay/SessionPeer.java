package dev.wsgateway.relay;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Peer} over a Jakarta WebSocket session, the client's (server side) or the backend's (Tyrus client).
 * Relayed frames come from one reading thread; keepalive pings come from the session timer. One lock keeps
 * them from ever being in flight together on the session.
 */
public final class SessionPeer implements Peer {
    private static final Logger LOG = Logger.getLogger(SessionPeer.class.getName());
    private final Session session;
    private final RemoteEndpoint.Basic remote;
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile long sendingSince;

    public SessionPeer(Session session) {
        this.session = session;
        this.remote = session.getBasicRemote();
    }

    @Override
    public void sendText(String part, boolean last) throws IOException {
        beginSend();
        try {
            remote.sendText(part, last);
        } finally {
            endSend();
        }
    }

    @Override
    public void sendBinary(ByteBuffer part, boolean last) throws IOException {
        beginSend();
        try {
            remote.sendBinary(part, last);
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
        sendingSince = System.nanoTime();
        try {
            remote.sendPing(applicationData);
            return true;
        } finally {
            endSend();
        }
    }

    @Override
    public long sendingSinceNanos() {
        return sendingSince;
    }

    private void beginSend() {
        sendLock.lock();
        sendingSince = System.nanoTime();
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
