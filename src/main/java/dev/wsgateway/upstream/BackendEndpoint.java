package dev.wsgateway.upstream;

import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionPeer;
import dev.wsgateway.relay.Side;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The gateway's client endpoint towards one backend: every event goes to the relay as the backend side. Sends
 * to the backend go through Tyrus's own asynchronous part sends ({@link TyrusParts}), pipelined.
 */
final class BackendEndpoint extends Endpoint {
    private final RelaySession relay;

    BackendEndpoint(RelaySession relay) {
        this.relay = relay;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (part, last) ->
                relay.text(Side.BACKEND, part, last));
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) ->
                relay.binary(Side.BACKEND, part, last));
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong ->
                relay.pong(Side.BACKEND, pong.getApplicationData()));
        SessionPeer peer = new SessionPeer(session, TyrusParts.of(session), relay.blockingSends());
        if (!relay.backendOpened(peer, BackendReads.of(session), session.getNegotiatedSubprotocol())) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, CloseCodes.CLIENT_GONE));
            } catch (IOException ignored) {
                // it is going either way
            }
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        relay.sideEnded(Side.BACKEND, closeReason.getCloseCode().getCode(), closeReason.getReasonPhrase());
    }

    @Override
    public void onError(Session session, Throwable thr) {
        relay.sideFailed(Side.BACKEND, thr);
    }
}
