package dev.wsgateway.relay;

/**
 * Sees the frames that pass through a {@link Direction} while it is traced (see {@code trace/}). A direction
 * that is not traced holds none and pays one volatile read per frame. Called on the thread that hands the
 * frame to the direction; it must not block and must not throw.
 */
@FunctionalInterface
public interface FrameTap {
    /**
     * @param from      the side whose direction carries the frame (the frame goes to the other side)
     * @param frame     the frame as the direction got it (before any message policy)
     * @param byGateway the gateway's own frame (a keepalive ping, a close it decided, an administrator's push)
     */
    void seen(Side from, Frame frame, boolean byGateway);
}
