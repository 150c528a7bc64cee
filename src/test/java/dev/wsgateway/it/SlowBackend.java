package dev.wsgateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A backend that takes its time to answer the WebSocket handshake. Either a TCP relay in front of the real
 * test backend that holds every new connection for a while before it passes anything on ({@link #delaying}),
 * or a backend of its own that answers every handshake with a 101 after the delay and then stays silent
 * ({@link #answeringAfter}): the latter costs the test JVM one short read per connection, so hundreds of
 * handshakes at once measure the gateway, not the test backend.
 */
final class SlowBackend implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long delayMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pipes = Executors.newCachedThreadPool();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private SlowBackend(int targetPort, long delayMillis) throws IOException {
        this(targetPort, delayMillis, false);
    }

    private final boolean answers;

    private SlowBackend(int targetPort, long delayMillis, boolean answers) throws IOException {
        this.answers = answers;
        this.server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.delayMillis = delayMillis;
        pipes.execute(this::acceptLoop);
    }

    /** Delays each connection to {@code target} (a ws://127.0.0.1:port/... URI) by {@code delayMillis}. */
    static SlowBackend delaying(String target, long delayMillis) throws IOException {
        return new SlowBackend(java.net.URI.create(target).getPort(), delayMillis);
    }

    /** Answers each handshake itself with a 101, {@code delayMillis} after the connection was accepted. */
    static SlowBackend answeringAfter(long delayMillis) throws IOException {
        return new SlowBackend(-1, delayMillis, true);
    }

    String uri(String path) {
        return "ws://127.0.0.1:" + server.getLocalPort() + path;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                if (answers) {
                    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
                    pipes.execute(() -> answerAt(client, due));
                } else {
                    timer.schedule(() -> pipes.execute(() -> connect(client)), delayMillis, TimeUnit.MILLISECONDS);
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void answerAt(Socket client, long dueNanos) {
        try {
            String head = readHead(client.getInputStream());
            String key = null;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            byte[] accept = java.security.MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + java.util.Base64.getEncoder().encodeToString(accept) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            long wait = Math.max(0, dueNanos - System.nanoTime());
            timer.schedule(() -> {
                try {
                    client.getOutputStream().write(answer);
                } catch (IOException e) {
                    close(client);
                }
            }, wait, TimeUnit.NANOSECONDS);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            close(client);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            head.append((char) b);
        }
        return head.toString();
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
