package dev.wsgateway.upstream.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A thread that serves backend sockets: one of the transport's own selector threads ({@link IoLoop}), or a
 * server's I/O thread that a backend connection shares with its client's connection (an adapter of that server,
 * outside this package). A backend connection lives on one loop from its connect to its close: its reads, its
 * deadlines and the writes it had to queue run there.
 */
public interface Loop {

    /** Whether the calling thread is this loop's. */
    boolean inLoop();

    /** Runs the task on the loop, later: never inline (callers may be deep in Tyrus or in another read). */
    void execute(Runnable task);

    /** Runs the action on the loop once {@link System#nanoTime()} reaches {@code atNanos}, unless cancelled. */
    Timer schedule(long atNanos, Runnable action);

    /**
     * Starts connecting a socket to {@code address}. The events hear {@link Wire.Events#attached} before this
     * returns, then, on the loop, {@link Wire.Events#connected} or {@link Wire.Events#failed}.
     */
    void connect(InetSocketAddress address, Wire.Events events) throws IOException;

    /** The buffers the loop's connections share: only on the loop, only until the bytes are handed on. */
    LoopBuffers buffers();

    /** A scheduled action. */
    interface Timer {
        /** The action will not run (a no-op once it ran). */
        void cancel();
    }
}
