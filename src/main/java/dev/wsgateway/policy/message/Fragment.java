package dev.wsgateway.policy.message;

import java.nio.ByteBuffer;

/**
 * One data frame of a message as it streams through a direction, for {@link FramePolicy}s.
 *
 * @param text          the text part ({@code null} for binary)
 * @param data          the binary part ({@code null} for text), read-only to policies: use {@code duplicate()}
 * @param first         the message's first frame
 * @param last          the message's last frame
 * @param length        this frame's payload bytes (text in UTF-8)
 * @param messageLength the message's bytes so far, this frame's included
 */
public record Fragment(Flow flow, String text, ByteBuffer data, boolean first, boolean last, long length,
                       long messageLength) {
    public boolean isText() {
        return data == null;
    }
}
