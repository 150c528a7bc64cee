package dev.wsgateway.relay;

/**
 * Stops and restarts a container reading frames from one side's connection: the source half of the relay's
 * flow control. A direction pauses its source when its bytes in flight pass the route's budget and resumes it
 * when its sends have drained (see {@link Direction}).
 *
 * <p>Jakarta WebSocket has no such call. Where a server offers one, an adapter implements this (Undertow's
 * {@code suspendReceives} on WildFly, read interest on the gateway's own backend transport). Where none does,
 * the side gets {@link #NONE}: those containers read a session's next frame only once the handler of the last
 * one returned, so the relay holds the reading thread in the handler while the direction is over its budget.
 */
public interface ReadGate {
    /** A source that cannot be paused: the relay holds its reading thread instead while over budget. */
    ReadGate NONE = new ReadGate() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public boolean pauses() {
            return false;
        }

        @Override
        public String toString() {
            return "ReadGate.NONE";
        }
    };

    /** Stops reading frames (a frame being read may still be delivered). Never blocks; any thread. */
    void pause();

    /** Reads frames again. Never blocks; any thread. */
    void resume();

    /** False when {@link #pause()} does nothing, and the relay must hold the reading thread instead. */
    default boolean pauses() {
        return true;
    }
}
