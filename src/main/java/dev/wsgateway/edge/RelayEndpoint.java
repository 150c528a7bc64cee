package dev.wsgateway.edge;

import dev.wsgateway.edge.liberty.LibertyCloses;
import dev.wsgateway.edge.tyrus.TyrusCloses;
import dev.wsgateway.edge.undertow.UndertowCloses;
import dev.wsgateway.edge.undertow.UndertowReads;
import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionPeer;
import dev.wsgateway.relay.Side;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

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

    /**
     * The same endpoint, programmatic, for Undertow (WildFly), which builds the endpoint's whole deployment
     * anew for every {@code upgradeHttpToWebSocket} and keeps it with the session: for an annotated class that
     * is a scan of its methods and about 4 KB of heap per connection, for a programmatic one none.
     */
    static final ServerEndpointConfig PROGRAMMATIC_CONFIG = ServerEndpointConfig.Builder
            .create(Programmatic.class, PATH)
            .configurator(new GatewayConfigurator())
            .build();

    private RelaySession relay;

    /** The config to upgrade with on this container. */
    static ServerEndpointConfig configFor(ServerContainer container) {
        return UndertowReads.isUndertow(container) ? PROGRAMMATIC_CONFIG : CONFIG;
    }

    @OnOpen
    public void onOpen(Session session) {
        relay = relayOf(session);
        open(session, relay);
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
        closed(relay, reason);
    }

    @OnError
    public void onError(Throwable error) {
        failed(relay, error);
    }

    /**
     * The relay endpoint as a programmatic endpoint (see {@link #PROGRAMMATIC_CONFIG}). Its close and error events
     * are handled behind the messages Undertow handed over before them ({@link UndertowCloses#events}).
     */
    public static class Programmatic extends Endpoint {
        private volatile RelaySession relay;
        private volatile Executor events;

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            RelaySession r = relayOf(session);
            session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (part, last) ->
                    r.text(Side.CLIENT, part, last));
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) ->
                    r.binary(Side.CLIENT, part, last));
            session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong ->
                    r.pong(Side.CLIENT, pong.getApplicationData()));
            events = UndertowCloses.events(session);
            open(session, r);
            relay = r;
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            RelaySession r = relay;
            events(session).execute(() -> closed(r, reason));
        }

        @Override
        public void onError(Session session, Throwable error) {
            RelaySession r = relay;
            events(session).execute(() -> failed(r, error));
        }

        private Executor events(Session session) {
            Executor e = events;
            return e != null ? e : UndertowCloses.events(session);
        }
    }

    private static RelaySession relayOf(Session session) {
        return (RelaySession) session.getUserProperties().get(SessionProperties.RELAY);
    }

    private static void open(Session session, RelaySession relay) {
        session.setMaxIdleTimeout(0); // idle timeouts are the relay's, per route
        // each answers false on the others' sessions: the one that applies, without another object to ask them
        BooleanSupplier closing = UndertowReads.isUndertow(session) ? UndertowCloses.closing(session)
                : TyrusCloses.isTyrus(session) ? TyrusCloses.closing(session) : LibertyCloses.closing(session);
        relay.clientOpened(new SessionPeer(session, null, relay.blockingSends(), closing), UndertowReads.of(session));
    }

    private static void closed(RelaySession relay, CloseReason reason) {
        if (relay != null) {
            int code = LibertyCloses.received(reason.getCloseCode().getCode(), reason.getReasonPhrase());
            relay.sideEnded(Side.CLIENT, code, code == CloseCodes.ABNORMAL ? "" : reason.getReasonPhrase());
        }
    }

    private static void failed(RelaySession relay, Throwable error) {
        if (relay != null) {
            relay.sideFailed(Side.CLIENT, error);
        }
    }
}
