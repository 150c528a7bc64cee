package dev.wsgateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket peers on raw sockets, for what well-behaved libraries will not do: vanish without a close
 * frame, or accept a TCP connection and never answer the handshake.
 */
final class RawWebSocket {
    private RawWebSocket() {
    }

    /** A client that completes the handshake through the gateway; {@link Socket#close()} makes it vanish. */
    static Socket client(URL base, String path) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(30_000);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        String head = readHead(socket.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head);
        }
        return socket;
    }

    /** A one-connection backend on loopback that accepts the handshake; {@link #vanish()} drops the TCP connection. */
    static final class VanishingBackend implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final CompletableFuture<Socket> accepted = new CompletableFuture<>();

        VanishingBackend(boolean answerHandshake) throws IOException {
            Thread t = new Thread(() -> {
                try {
                    Socket s = server.accept();
                    if (answerHandshake) {
                        String head = readHead(s.getInputStream());
                        String key = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
                        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
                        s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                    }
                    accepted.complete(s);
                } catch (Exception e) {
                    accepted.completeExceptionally(e);
                }
            }, "vanishing-backend");
            t.setDaemon(true);
            t.start();
        }

        String uri() {
            return "ws://127.0.0.1:" + server.getLocalPort() + "/raw";
        }

        /** Waits for the gateway's connection, then closes it without a close frame. */
        void vanish() throws Exception {
            accepted.get(15, TimeUnit.SECONDS).close();
        }

        @Override
        public void close() throws IOException {
            accepted.thenAccept(s -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            });
            server.close();
        }
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the handshake: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
