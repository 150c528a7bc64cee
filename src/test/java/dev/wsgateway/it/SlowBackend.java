package dev.wsgateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A backend that takes its time: a TCP relay in front of the real test backend that holds every new
 * connection for a while before it passes anything on, so the backend's 101 comes that much later.
 */
final class SlowBackend implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long delayMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pipes = Executors.newCachedThreadPool();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private SlowBackend(int targetPort, long delayMillis) throws IOException {
        this.server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.delayMillis = delayMillis;
        pipes.execute(this::acceptLoop);
    }

    /** Delays each connection to {@code target} (a ws://127.0.0.1:port/... URI) by {@code delayMillis}. */
    static SlowBackend delaying(String target, long delayMillis) throws IOException {
        return new SlowBackend(java.net.URI.create(target).getPort(), delayMillis);
    }

    String uri(String path) {
        return "ws://127.0.0.1:" + server.getLocalPort() + path;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                timer.schedule(() -> pipes.execute(() -> connect(client)), delayMillis, TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        try {
            Socket backend = new Socket();
            sockets.add(backend);
            backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
            pipes.execute(() -> pipe(client, backend));
            pipe(backend, client);
        } catch (IOException e) {
            close(client);
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // one side went away: end both
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        timer.shutdownNow();
        sockets.forEach(this::close);
        pipes.shutdownNow();
    }
}
