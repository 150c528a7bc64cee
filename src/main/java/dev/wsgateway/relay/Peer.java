package dev.wsgateway.relay;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One side of a relayed pair, as the relay sends to it. Sends block until the frame is handed to the
 * network, which is what keeps one send in flight per direction and memory bounded: the relay reads
 * the next frame from the other side only after this returns.
 */
public interface Peer {
    void sendText(String part, boolean last) throws IOException;

    void sendBinary(ByteBuffer part, boolean last) throws IOException;

    void sendPong(ByteBuffer applicationData) throws IOException;

    /**
     * Sends a keepalive ping unless a send is in progress (then false: the caller tries again later). Never
     * waits for another send to finish; the ping itself counts as a send in {@link #sendingSinceNanos()}.
     */
    boolean tryPing(ByteBuffer applicationData) throws IOException;

    /**
     * The reads of the side whose frames are sent to this peer: a peer whose sends can wait for an earlier one
     * pauses them while it waits, so that side sends no faster than this one takes. Set once, before the first
     * relayed frame.
     */
    default void pauseWhileWaiting(ReadGate senderReads) {
    }

    /**
     * Called by the session timer while a send is in progress: a peer whose transport can lose track of a queued
     * write gets it going again here. Never blocks on a send.
     */
    default void nudge() {
    }

    /** When the send in progress started ({@link System#nanoTime()}), or 0 when none is. */
    long sendingSinceNanos();

    /** Starts the closing handshake with this code and reason; a no-op when already closed. Never throws. */
    void close(int code, String reason);
}
