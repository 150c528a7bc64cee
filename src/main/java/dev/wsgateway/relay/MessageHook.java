package dev.wsgateway.relay;

/**
 * The slot in each {@link Direction} where per-message policies plug in ({@link MessagePolicyHook}): it sees
 * every data frame from the source before it is forwarded, on the source's reading thread, one frame at a time.
 * A direction without policies keeps {@link #NONE} and does no per-frame work for it.
 */
@FunctionalInterface
public interface MessageHook {
    /** Forwards every frame as it is. */
    MessageHook NONE = (frame, holds) -> frame;

    /**
     * The frame to forward now: {@code frame} itself, another one (a whole message assembled from frames held
     * before, or a replaced payload), or null for none (kept back to assemble its message, dropped, or the
     * hook closed the pair).
     */
    Frame onFrame(Frame frame, Holds holds);

    /** How a hook accounts for the frames it keeps back: they count against the direction's budget. */
    interface Holds {
        /** {@code bytes} of a frame kept back from now on (copied: the container may reuse its buffer). */
        void hold(long bytes);

        /** Kept-back bytes that will never be sent (their message was dropped). */
        void drop(long bytes);

        /** The frame this call returns replaces {@code bytes} kept back: its own length counts instead. */
        void assembled(long bytes);
    }
}
