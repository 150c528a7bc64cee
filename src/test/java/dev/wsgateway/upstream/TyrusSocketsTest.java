package dev.wsgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.util.Map;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.container.jdk.client.JdkClientContainer;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.Test;

/** Against the pinned Tyrus: the gateway's backend sockets really get TCP_NODELAY. */
class TyrusSocketsTest {

    @ServerEndpoint("/quiet")
    public static class Quiet {
        @OnOpen
        public void open(Session session) {
        }
    }

    @Test
    void aBackendSessionsSocketGetsTcpNoDelay() throws Exception {
        Server server = new Server("127.0.0.1", -1, "/", Map.of(), Quiet.class);
        server.start();
        ClientManager client = ClientManager.createClient(JdkClientContainer.class.getName());
        try {
            Session session = client.connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session s, EndpointConfig config) {
                }
            }, ClientEndpointConfig.Builder.create().build(), URI.create("ws://127.0.0.1:" + server.getPort() + "/quiet"));

            assertEquals(false, TyrusSockets.channel(session).getOption(StandardSocketOptions.TCP_NODELAY),
                    "Tyrus leaves Nagle on by itself");
            assertTrue(TyrusSockets.noDelay(session));
            assertEquals(true, TyrusSockets.channel(session).getOption(StandardSocketOptions.TCP_NODELAY));
            session.close();
        } finally {
            client.shutdown();
            server.stop();
        }
    }
}
