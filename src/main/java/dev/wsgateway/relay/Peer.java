package dev.wsgateway.relay;

import java.nio.ByteBuffer;

/**
 * One side of a relayed pair as the relay sends to it: its outbound peer. No method blocks. A send reports its
 * outcome once, to its {@link Sent}, when the container has written the frame (or failed to); that report may
 * come on any thread, also inline before the send returns. Buffers passed in stay untouched until then.
 */
public interface Peer {
    /** The outcome of one send: {@code failure} is null when the frame was written. */
    @FunctionalInterface
    interface Sent {
        void completed(Throwable failure);
    }

    /**
     * Whether a send may start before the previous one completed (the container queues writes in order).
     * When false the relay keeps one send in flight to this peer.
     */
    default boolean pipelines() {
        return false;
    }

    /**
     * Whether the peer keeps a binary part's buffer until the send completed (an asynchronous send of the
     * container's), rather than framing a copy before the call returns. The relay then hands it a copy of a
     * client's buffer, which the container may reuse once the handler returned.
     */
    default boolean retainsBuffers() {
        return true;
    }

    /**
     * Whether this side is ending by its own doing and its container knows it: its close frame (or the end of its
     * stream) has been read, and the container will report its close after the frames it read before it. A send
     * that fails meanwhile (a container that answered the close at once refuses further sends) is then no failure
     * of the side: its own close ends it. False unless the container tells.
     */
    default boolean closing() {
        return false;
    }

    void sendText(String part, boolean last, Sent sent);

    void sendBinary(ByteBuffer part, boolean last, Sent sent);

    void sendPing(ByteBuffer applicationData, Sent sent);

    void sendPong(ByteBuffer applicationData, Sent sent);

    /** Starts the closing handshake with this code and reason; a no-op when already closed. Never throws. */
    void close(int code, String reason);
}
