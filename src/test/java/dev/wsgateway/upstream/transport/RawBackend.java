package dev.wsgateway.upstream.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/** A backend written by hand on a blocking loopback socket: answers handshakes as a test says, reads frames. */
public final class RawBackend implements AutoCloseable {
    final ServerSocket server;

    public RawBackend(int backlog) throws IOException {
        server = new ServerSocket(0, backlog, InetAddress.getByName("127.0.0.1"));
    }

    /** Accepted sockets get this small a receive buffer (so a client's writes fill it quickly). */
    static RawBackend withReceiveBuffer(int bytes) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReceiveBufferSize(bytes);
        s.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        return new RawBackend(s);
    }

    private RawBackend(ServerSocket server) {
        this.server = server;
    }

    public RawBackend() throws IOException {
        this(50);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String uri(String path) {
        return "ws://127.0.0.1:" + port() + path;
    }

    /** Accepted connection with its handshake request read. */
    public record Accepted(Socket socket, String request) {
        String key() {
            return request.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        }

        /** Answers 101 (with a correct accept key), followed at once by {@code extra} bytes. */
        public void switchProtocols(byte[] extra) throws IOException {
            byte[] head = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(key()) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + extra.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(extra, 0, all, head.length, extra.length);
            socket.getOutputStream().write(all);
            socket.getOutputStream().flush();
        }

        public void answer(String head) throws IOException {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }
    }

    /** Accepts the next connection and reads its request head. */
    public Accepted accept() throws IOException {
        Socket s = server.accept();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the request");
            }
            head.append((char) b);
        }
        return new Accepted(s, head.toString());
    }

    CompletableFuture<Accepted> acceptAsync() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return accept();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unmasked server frame (FIN set) with a short payload. */
    static byte[] frame(int opcode, byte[] payload) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("short frames only");
        }
        byte[] f = new byte[2 + payload.length];
        f[0] = (byte) (0x80 | opcode);
        f[1] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 2, payload.length);
        return f;
    }

    static byte[] text(String s) {
        return frame(1, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads client frames (masked) until {@code expected} payload bytes came; returns the frames seen. */
    static long readFrames(InputStream raw, long expectedPayload, long[] payloadTotal) throws IOException {
        java.util.concurrent.atomic.AtomicLong expected = new java.util.concurrent.atomic.AtomicLong(expectedPayload);
        java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();
        long frames = readFrames(raw, expected, total);
        payloadTotal[0] = total.get();
        return frames;
    }

    /** Reads client frames (masked) until the payload bytes read reach {@code expected} (which may grow). */
    static long readFrames(InputStream raw, java.util.concurrent.atomic.AtomicLong expected,
                           java.util.concurrent.atomic.AtomicLong total) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        long frames = 0;
        while (total.get() < expected.get()) {
            in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            in.skipNBytes(4 + length);
            total.addAndGet(length);
            frames++;
        }
        return frames;
    }

    /** Reads one client frame (masked); returns its payload length. */
    static long readFrame(DataInputStream in) throws IOException {
        in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        in.skipNBytes(4 + length);
        return length;
    }

    static void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
