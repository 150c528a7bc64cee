package dev.wsgateway.edge.undertow;

import dev.wsgateway.upstream.transport.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * A backend socket as an XNIO {@link StreamConnection} on one I/O thread ({@link XnioLoop}). XNIO calls the
 * listeners on that thread; reads and writes go straight to the socket's conduits.
 */
public final class XnioWire implements Wire, ChannelListener<StreamConnection> {
    private final XnioIoThread thread;
    private final Events events;
    /** Guards the hand-over from connecting to connected against a close in between. */
    private final Object lock = new Object();
    private IoFuture<StreamConnection> connecting;
    private volatile StreamConnection connection;
    private boolean closed;
    /** What XNIO was last told (under the connection's lock, see {@link Wire#interest}). */
    private boolean reading;
    private boolean writing;

    XnioWire(XnioIoThread thread, Events events) {
        this.thread = thread;
        this.events = events;
    }

    void connect(IoFuture<StreamConnection> future) {
        synchronized (lock) {
            if (closed) {
                future.cancel();
                return;
            }
            connecting = future;
        }
        future.addNotifier(new IoFuture.HandlingNotifier<StreamConnection, Void>() {
            @Override
            public void handleFailed(IOException exception, Void attachment) {
                thread.execute(() -> events.failed(exception)); // (may be called here, on the caller's thread)
            }
        }, null);
    }

    /** XNIO: connected, on the I/O thread. */
    @Override
    public void handleEvent(StreamConnection opened) {
        synchronized (lock) {
            if (closed) {
                IoUtils.safeClose(opened);
                return;
            }
            connection = opened;
            connecting = null;
        }
        opened.getSourceChannel().setReadListener(channel -> events.readable());
        opened.getSinkChannel().setWriteListener(channel -> events.writable());
        events.connected();
    }

    /** The connection once connected, else null. */
    public StreamConnection streamConnection() {
        return connection;
    }

    private StreamConnection connection() throws IOException {
        StreamConnection c = connection;
        if (c == null) {
            throw new IOException("the backend socket is not connected");
        }
        return c;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return connection().getSourceChannel().read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return connection().getSinkChannel().write(src);
    }

    @Override
    public void shutdownOutput() throws IOException {
        ConduitStreamSinkChannel sink = connection().getSinkChannel();
        sink.shutdownWrites();
        sink.flush();
    }

    @Override
    public void interest(boolean read, boolean write) {
        StreamConnection c = connection;
        if (c == null) {
            return;
        }
        if (read != reading) {
            reading = read;
            ConduitStreamSourceChannel source = c.getSourceChannel();
            if (read) {
                source.resumeReads();
            } else {
                source.suspendReads();
            }
        }
        if (write != writing) {
            writing = write;
            ConduitStreamSinkChannel sink = c.getSinkChannel();
            if (write) {
                sink.resumeWrites();
            } else {
                sink.suspendWrites();
            }
        }
    }

    @Override
    public void close() {
        StreamConnection c;
        IoFuture<StreamConnection> pending;
        synchronized (lock) {
            closed = true;
            c = connection;
            pending = connecting;
        }
        if (c != null) {
            IoUtils.safeClose(c);
        } else if (pending != null) {
            pending.cancel(); // XNIO closes the half-open socket
        }
    }
}
