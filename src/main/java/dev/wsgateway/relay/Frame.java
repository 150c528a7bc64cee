package dev.wsgateway.relay;

import java.nio.ByteBuffer;

/**
 * One frame on its way through a {@link Direction}: a part of a text or binary message, a ping, a pong, or the
 * close that ends the direction. {@code length} is what it counts against the direction's budget (payload
 * bytes; text in UTF-8 bytes).
 */
public record Frame(Kind kind, String text, ByteBuffer data, boolean last, long length, int closeCode) {
    public enum Kind { TEXT, BINARY, PING, PONG, CLOSE }

    public static Frame text(String part, boolean last) {
        return new Frame(Kind.TEXT, part, null, last, Utf8.length(part), 0);
    }

    public static Frame binary(ByteBuffer part, boolean last) {
        return new Frame(Kind.BINARY, null, part, last, part.remaining(), 0);
    }

    public static Frame ping(ByteBuffer data) {
        return new Frame(Kind.PING, null, data, true, data.remaining(), 0);
    }

    public static Frame pong(ByteBuffer data) {
        return new Frame(Kind.PONG, null, data, true, data.remaining(), 0);
    }

    static Frame close(CloseCodes.Close close) {
        return new Frame(Kind.CLOSE, close.reason(), null, true, 0, close.code());
    }

    /** A data frame (text or binary part), as opposed to a control frame. */
    public boolean isData() {
        return kind == Kind.TEXT || kind == Kind.BINARY;
    }

    /**
     * This frame with a copy of its payload: a queued frame outlives the handler call that delivered it, and a
     * container may reuse its buffer once the handler returned. The copy is writable (Open Liberty's socket
     * layer cannot write a read-only buffer).
     */
    Frame detached() {
        if (data == null) {
            return this;
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return new Frame(kind, text, copy, last, length, closeCode);
    }
}
