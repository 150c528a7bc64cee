package dev.wsgateway.policy.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A whole data message: text ({@code text} set) or binary ({@code data} set, read-only to policies: use
 * {@code duplicate()}). {@code length} is its size in bytes (text in UTF-8).
 */
public record Message(Flow flow, String text, ByteBuffer data, long length) {
    public static Message text(Flow flow, String text) {
        return new Message(flow, text, null, text.getBytes(StandardCharsets.UTF_8).length);
    }

    public static Message binary(Flow flow, ByteBuffer data) {
        return new Message(flow, null, data, data.remaining());
    }

    public boolean isText() {
        return text != null;
    }

    /** The same kind of message towards the same flow with another payload (a {@link Verdict.Replace}). */
    public Message withText(String replacement) {
        return text(flow, replacement);
    }
}
