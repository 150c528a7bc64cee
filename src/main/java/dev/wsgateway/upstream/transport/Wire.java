package dev.wsgateway.upstream.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The socket under one backend connection, as its {@link Loop} offers it: non-blocking reads and writes, the
 * events the connection wants to hear of, a half close and a close.
 */
public interface Wire {

    /** Bytes read into {@code dst}: 0 when none are there, -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Bytes of {@code src} written: 0 when the socket takes none now. */
    int write(ByteBuffer src) throws IOException;

    /** Sends the end of the stream (FIN); reading goes on. */
    void shutdownOutput() throws IOException;

    /** Closes the socket, or abandons the connect. Any thread, any number of times. */
    void close();

    /**
     * Which readiness the connection wants to hear of. Called under the connection's lock, from any thread;
     * only once it is connected.
     */
    void interest(boolean read, boolean write);

    /** What a wire tells its connection; everything but {@link #attached} on the loop. */
    interface Events {

        /** The wire, before anything else (on the thread that asked for the connect). */
        void attached(Wire wire);

        void connected();

        void readable();

        void writable();

        /** Connecting failed, or the loop stops: the wire is unusable. */
        void failed(Throwable cause);
    }
}
