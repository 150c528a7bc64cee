package dev.wsgateway.edge;

import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionPeer;
import dev.wsgateway.relay.Side;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.ByteBuffer;

/**
 * The client side of every relayed session. Clients never address this path: the upgrade filter on
 * {@code /ws/*} upgrades them onto it after the route, the policies and the backend said yes.
 * Messages are taken in parts, so a large or fragmented message is never assembled here.
 */
@ServerEndpoint(value = RelayEndpoint.PATH, configurator = GatewayConfigurator.class)
public class RelayEndpoint {
    public static final String PATH = "/_gateway/relay";

    /** The config the filter upgrades with: the deployed endpoint's path, so every container finds it. */
    static final ServerEndpointConfig CONFIG = ServerEndpointConfig.Builder.create(RelayEndpoint.class, PATH)
            .configurator(new GatewayConfigurator())
            .build();

    private RelaySession relay;

    @OnOpen
    public void onOpen(Session session) {
        relay = (RelaySession) session.getUserProperties().get(SessionProperties.RELAY);
        session.setMaxIdleTimeout(0); // idle timeouts are the relay's, per route
        relay.clientOpened(new SessionPeer(session), UndertowReads.of(session));
    }

    @OnMessage
    public void onText(String part, boolean last) {
        relay.text(Side.CLIENT, part, last);
    }

    @OnMessage
    public void onBinary(ByteBuffer part, boolean last) {
        relay.binary(Side.CLIENT, part, last);
    }

    @OnMessage
    public void onPong(PongMessage pong) {
        relay.pong(Side.CLIENT, pong.getApplicationData());
    }

    @OnClose
    public void onClose(CloseReason reason) {
        if (relay != null) {
            int code = CloseCodes.received(reason.getCloseCode().getCode(), reason.getReasonPhrase());
            relay.sideEnded(Side.CLIENT, code, code == CloseCodes.ABNORMAL ? "" : reason.getReasonPhrase());
        }
    }

    @OnError
    public void onError(Throwable error) {
        if (relay != null) {
            relay.sideFailed(Side.CLIENT, error);
        }
    }
}
