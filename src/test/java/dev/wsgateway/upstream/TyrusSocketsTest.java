package dev.wsgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.lang.reflect.Field;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.container.jdk.client.JdkClientContainer;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.Test;

/** Against the pinned Tyrus: the gateway's backend sockets really get TCP_NODELAY, and a lost write is found. */
class TyrusSocketsTest {

    @ServerEndpoint("/echo")
    public static class Echo {
        @OnMessage
        public String echo(String message) {
            return message;
        }
    }

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

    /**
     * Puts Tyrus's write queue into the state its race leaves behind (a write queued while the lock was held,
     * then the lock released without running it) and checks that the repair sends the write.
     */
    @Test
    void theRepairRunsAWriteTheQueueLostTrackOf() throws Exception {
        Server server = new Server("127.0.0.1", -1, "/", Map.of(), Echo.class);
        server.start();
        ClientManager client = ClientManager.createClient(JdkClientContainer.class.getName());
        try {
            BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
            Session session = client.connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session s, EndpointConfig config) {
                    s.addMessageHandler(String.class, echoes::add);
                }
            }, ClientEndpointConfig.Builder.create().build(), URI.create("ws://127.0.0.1:" + server.getPort() + "/echo"));
            Runnable repair = TyrusSockets.writeQueueRepair(session);
            Object queueFilter = queueFilter(session);
            AtomicBoolean lock = (AtomicBoolean) read(queueFilter, "taskLock");

            session.getBasicRemote().sendText("before");
            assertEquals("before", echoes.poll(5, TimeUnit.SECONDS));

            assertTrue(lock.compareAndSet(false, true), "the queue is idle between writes");
            Future<Void> lost = session.getAsyncRemote().sendText("lost"); // queued: the lock looks taken
            lock.set(false);                                                // and is released without running it
            assertNull(echoes.poll(300, TimeUnit.MILLISECONDS), "Tyrus sent it anyway: the test's premise is wrong");
            assertFalse(lost.isDone());

            repair.run();
            lost.get(5, TimeUnit.SECONDS);
            assertEquals("lost", echoes.poll(5, TimeUnit.SECONDS));
            repair.run(); // nothing stuck: nothing happens
            session.getBasicRemote().sendText("after");
            assertEquals("after", echoes.poll(5, TimeUnit.SECONDS));
            session.close();
        } finally {
            client.shutdown();
            server.stop();
        }
    }

    private static Object queueFilter(Session session) throws ReflectiveOperationException {
        Object webSocket = read(read(session, "basicRemote"), "webSocket");
        Object filter = read(read(read(webSocket, "protocolHandler"), "writer"), "downstreamFilter");
        while (!filter.getClass().getSimpleName().equals("TaskQueueFilter")) {
            filter = read(filter, "downstreamFilter");
        }
        return filter;
    }

    private static Object read(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    f.setAccessible(true);
                    return f.get(target);
                }
            }
        }
        throw new NoSuchFieldException(name);
    }
}
