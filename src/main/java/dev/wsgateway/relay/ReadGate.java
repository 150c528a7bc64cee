package dev.wsgateway.relay;

/**
 * Stops and restarts a container reading frames from one side's connection.
 *
 * <p>Jakarta WebSocket has no such call, and most containers need none: they read a session's next frame only
 * after the handler of the last one returned, so a relay that waits in its handler holds that side back.
 * Undertow (WildFly) reads on instead and queues the frames for a worker thread, without a limit, so for its
 * sessions the relay pauses reading while a send from that side waits ({@link Peer#pauseWhileWaiting}).
 */
public interface ReadGate {
    /** For containers that stop reading while a handler runs: nothing to do. */
    ReadGate NONE = new ReadGate() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }
    };

    /** Stops reading frames (a frame being read may still be delivered). Never blocks. */
    void pause();

    /** Reads frames again. Never blocks. */
    void resume();
}
