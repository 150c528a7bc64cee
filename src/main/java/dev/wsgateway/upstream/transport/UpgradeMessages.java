package dev.wsgateway.upstream.transport;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.core.TyrusUpgradeResponse;
import org.glassfish.tyrus.spi.UpgradeRequest;

/** The HTTP/1.1 of the opening handshake: Tyrus's upgrade request on the wire, and the backend's answer read. */
final class UpgradeMessages {
    /** The most bytes of status line and headers accepted from a backend. */
    static final int MAX_RESPONSE_HEAD = 16 * 1024;

    private UpgradeMessages() {
    }

    /** A backend's answer that is not HTTP, or too long. */
    static final class MalformedResponseException extends java.io.IOException {
        MalformedResponseException(String message) {
            super(message);
        }
    }

    /**
     * The request as bytes. The target is the URI's raw path and query, exactly as given (no decoding); header
     * values with several entries are joined with ", " as Tyrus's own transports do.
     */
    static ByteBuffer request(UpgradeRequest request) {
        URI uri = request.getRequestURI();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery();
        StringBuilder head = new StringBuilder(256).append("GET ").append(path);
        if (query != null) {
            head.append('?').append(query);
        }
        head.append(" HTTP/1.1\r\n");
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            String name = header.getKey();
            String value = String.join(", ", header.getValue());
            if (!isToken(name) || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + name + " cannot be sent (bad name or line break)");
            }
            head.append(name).append(": ").append(value).append("\r\n");
        }
        head.append("\r\n");
        return ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Collects a response head as it arrives; small, and dropped once the handshake is over. */
    static final class ResponseReader {
        private byte[] head = new byte[512];
        private int length;

        /**
         * Takes bytes from {@code data} up to the end of the head. Returns the parsed response once the blank line
         * arrived (whatever follows it stays in {@code data}), else null.
         */
        TyrusUpgradeResponse offer(ByteBuffer data) throws MalformedResponseException {
            while (data.hasRemaining()) {
                if (length == head.length) {
                    if (length >= MAX_RESPONSE_HEAD) {
                        throw new MalformedResponseException("the handshake response's head exceeds "
                                + MAX_RESPONSE_HEAD + " bytes");
                    }
                    head = java.util.Arrays.copyOf(head, Math.min(MAX_RESPONSE_HEAD, length * 2));
                }
                byte b = data.get();
                head[length++] = b;
                if (b == '\n' && length >= 4 && head[length - 2] == '\r' && head[length - 3] == '\n'
                        && head[length - 4] == '\r') {
                    return parse(new String(head, 0, length - 4, StandardCharsets.ISO_8859_1));
                }
            }
            return null;
        }

        private static TyrusUpgradeResponse parse(String text) throws MalformedResponseException {
            String[] lines = text.split("\r\n", -1);
            String status = lines[0];
            if (!status.startsWith("HTTP/1.")) {
                throw new MalformedResponseException("the handshake response is not HTTP/1.x: "
                        + status.substring(0, Math.min(40, status.length())));
            }
            int firstSpace = status.indexOf(' ');
            int secondSpace = firstSpace < 0 ? -1 : status.indexOf(' ', firstSpace + 1);
            TyrusUpgradeResponse response = new TyrusUpgradeResponse();
            try {
                String code = secondSpace < 0 ? status.substring(firstSpace + 1) : status.substring(firstSpace + 1, secondSpace);
                if (firstSpace < 0 || code.length() != 3) {
                    throw new NumberFormatException(code);
                }
                response.setStatus(Integer.parseInt(code));
            } catch (NumberFormatException e) {
                throw new MalformedResponseException("the handshake response has no status code");
            }
            response.setReasonPhrase(secondSpace < 0 ? "" : status.substring(secondSpace + 1));
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new MalformedResponseException("the handshake response has a malformed header line");
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                response.getHeaders().computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
            }
            return response;
        }
    }
}
