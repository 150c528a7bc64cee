package dev.wsgateway.edge.tyrus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.Test;

/** What {@link TyrusCloses} relies on, on a real Tyrus server session: it reads closed before its close event. */
class TyrusClosesTest {
    static final BlockingQueue<String> EVENTS = new LinkedBlockingQueue<>();

    @ServerEndpoint("/closing")
    public static class Recording {
        @OnOpen
        public void open(Session session) {
            EVENTS.add("open closing=" + TyrusCloses.closing(session).getAsBoolean());
        }

        @OnClose
        public void close(Session session, CloseReason reason) {
            String send;
            try {
                session.getBasicRemote().sendText("too late");
                send = "sent";
            } catch (Exception e) {
                send = "refused";
            }
            EVENTS.add("close " + reason.getCloseCode().getCode() + " closing="
                    + TyrusCloses.closing(session).getAsBoolean() + " send " + send);
        }
    }

    @Test
    void aTyrusSessionIsClosingWhenItsCloseEventComesAndRefusesSendsBeforeIt() throws Exception {
        Server server = new Server("127.0.0.1", -1, "/", Map.of(), Recording.class);
        server.start();
        try {
            Session client = ClientManager.createClient().connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session session, EndpointConfig config) {
                }
            }, ClientEndpointConfig.Builder.create().build(),
                    URI.create("ws://127.0.0.1:" + server.getPort() + "/closing"));
            assertEquals("open closing=false", EVENTS.poll(5, TimeUnit.SECONDS));
            client.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "done"));
            assertEquals("close 1000 closing=true send refused", EVENTS.poll(5, TimeUnit.SECONDS));
        } finally {
            server.stop();
        }
    }

    @Test
    void otherServersSessionsAreNeverClosingByThisAdapter() {
        Session other = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("isOpen") ? Boolean.FALSE : null);
        assertFalse(TyrusCloses.isTyrus(other));
        assertFalse(TyrusCloses.closing(other).getAsBoolean());
    }
}
