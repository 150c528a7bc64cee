package dev.wsgateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A raw HTTP client for WebSocket handshakes, to see exactly what status and headers a rejected upgrade
 * gets (the JDK's HTTP client will not send Upgrade headers).
 */
final class RawHttp {
    record Response(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private RawHttp() {
    }

    /** Sends a valid WebSocket handshake for {@code path} with extra header lines, reads the response head. */
    static Response handshake(URL base, String path, String... extraHeaders) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        for (String h : extraHeaders) {
            request.append(h).append("\r\n");
        }
        return exchange(base, request.append("\r\n").toString());
    }

    static Response exchange(URL base, String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            String body = "";
            if (status != 101) {
                Response partial = new Response(status, head, "");
                String length = partial.header("Content-Length");
                if (length != null) {
                    body = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
                } else if ("chunked".equalsIgnoreCase(partial.header("Transfer-Encoding"))) {
                    body = readChunked(in);
                }
            }
            return new Response(status, head, body);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the response head ended: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    return body.toString(StandardCharsets.UTF_8);
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            int size = Integer.parseInt(line.toString().split(";")[0].trim().toLowerCase(Locale.ROOT), 16);
            if (size == 0) {
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(size));
            in.readNBytes(2);
        }
    }
}
