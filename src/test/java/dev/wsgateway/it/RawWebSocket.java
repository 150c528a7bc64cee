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

    /**
     * Closes a raw client's connection the way RFC 6455 asks of a client: sends a (masked) close frame with this
     * code and reason, waits for the server's close frame and only then closes the TCP connection.
     * Returns the code of the server's close frame.
     */
    static int closeCleanly(Socket socket, int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x88;                      // FIN, close
        frame[1] = (byte) (0x80 | payload.length);   // masked, length < 126
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        socket.getOutputStream().write(frame);
        InputStream in = socket.getInputStream();
        while (true) {
            int first = in.read();
            int second = in.read();
            if (first < 0 || second < 0) {
                throw new IOException("the connection ended before the server's close frame");
            }
            int length = second & 0x7F;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                throw new IOException("unexpected 64-bit frame length");
            }
            byte[] body = in.readNBytes(length);
            if ((first & 0x0F) == 0x8) {
                socket.close();
                return body.length >= 2 ? ((body[0] & 0xFF) << 8) | (body[1] & 0xFF) : 1005;
            }
        }
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
