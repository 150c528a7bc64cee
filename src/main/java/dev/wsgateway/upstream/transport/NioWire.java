package dev.wsgateway.upstream.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A backend socket on one of the transport's own selector threads ({@link IoLoop}). */
final class NioWire implements Wire, IoLoop.Ready {
    private static final Logger LOG = Logger.getLogger(NioWire.class.getName());
    private final IoLoop loop;
    private final SocketChannel channel;
    private final Events events;
    private volatile SelectionKey key;

    NioWire(IoLoop loop, SocketChannel channel, Events events) {
        this.loop = loop;
        this.channel = channel;
        this.events = events;
    }

    SocketChannel channel() {
        return channel;
    }

    /** On the loop: registers the channel; {@code connected} when connect() already finished. */
    void register(Selector selector, boolean connected) {
        try {
            key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
        } catch (IOException | RuntimeException e) {
            events.failed(e); // closed meanwhile (the handshake was abandoned): a no-op for the connection
            return;
        }
        if (connected) {
            events.connected();
        }
    }

    @Override
    public void ready(SelectionKey selected) {
        if (!selected.isValid()) {
            return;
        }
        int ready = selected.readyOps();
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            boolean connected;
            try {
                connected = channel.finishConnect();
            } catch (IOException | RuntimeException e) {
                events.failed(e);
                return;
            }
            if (connected) {
                selected.interestOps(0);
                events.connected();
            }
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            events.writable();
        }
        if ((ready & SelectionKey.OP_READ) != 0 && selected.isValid()) {
            events.readable(); // (paused: the selector saw the old interest set; the connection ignores it)
        }
    }

    @Override
    public void shutdown() {
        events.failed(new IOException("the gateway's backend transport is shutting down"));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Applies the interest set, and wakes the selector when it must look for something new. */
    @Override
    public void interest(boolean read, boolean write) {
        SelectionKey k = key;
        if (k == null || !k.isValid()) {
            return;
        }
        int ops = (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
        int old = k.interestOps();
        if (old != ops) {
            k.interestOps(ops);
            if ((ops & ~old) != 0) {
                loop.wakeup();
            }
        }
    }

    @Override
    public void close() {
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing a backend socket failed", e);
        }
    }
}
