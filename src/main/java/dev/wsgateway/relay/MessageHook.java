package dev.wsgateway.relay;

/**
 * The slot in each {@link Direction} where per-message policies will plug in: it sees every data frame before
 * it is forwarded. Only the no-op exists today; the policies, their phases and their verdicts come later.
 */
@FunctionalInterface
public interface MessageHook {
    /** Forwards every frame as it is. */
    MessageHook NONE = frame -> frame;

    /** The frame to forward instead of {@code frame} (the same one to pass it on unchanged). */
    Frame onFrame(Frame frame);
}
