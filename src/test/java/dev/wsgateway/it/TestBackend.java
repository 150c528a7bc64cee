package dev.wsgateway.it;

import jakarta.websocket.CloseReason;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.Server;

/** Starts and stops the Tyrus backend server on an ephemeral loopback port. */
final class TestBackend implements AutoCloseable {
    private final Server server;

    private TestBackend(Server server) {
        this.server = server;
    }

    static TestBackend start() throws Exception {
        // Frames of up to 32 MiB: some servers (Open Liberty) pass a client's 16 MiB frame on as one frame.
        Server server = new Server("127.0.0.1", -1, "/",
                Map.of(TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, 32 * 1024 * 1024 + 14),
                EchoBackend.class, DeepPathBackend.class);
        server.start();
        EchoBackend.CLOSES.clear();
        EchoBackend.OPENED.clear();
        return new TestBackend(server);
    }

    String uri(String path) {
        return "ws://127.0.0.1:" + server.getPort() + path;
    }

    /** The next close the backend saw, waiting at most 10 s. */
    static CloseReason nextClose() throws InterruptedException {
        CloseReason reason = EchoBackend.CLOSES.poll(10, TimeUnit.SECONDS);
        if (reason == null) {
            throw new AssertionError("the backend saw no close within 10 s");
        }
        return reason;
    }

    @Override
    public void close() {
        server.stop();
    }
}
