package dev.wsgateway.relay;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A {@link Peer} over a Jakarta WebSocket session, the client's (server side) or the backend's (Tyrus client). */
public final class SessionPeer implements Peer {
    private static final Logger LOG = Logger.getLogger(SessionPeer.class.getName());
    private final Session session;
    private final RemoteEndpoint.Basic remote;

    public SessionPeer(Session session) {
        this.session = session;
        this.remote = session.getBasicRemote();
    }

    @Override
    public void sendText(String part, boolean last) throws IOException {
        remote.sendText(part, last);
    }

    @Override
    public void sendBinary(ByteBuffer part, boolean last) throws IOException {
        remote.sendBinary(part, last);
    }

    @Override
    public void sendPong(ByteBuffer applicationData) throws IOException {
        remote.sendPong(applicationData);
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
