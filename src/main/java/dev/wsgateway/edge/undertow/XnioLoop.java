package dev.wsgateway.edge.undertow;

import dev.wsgateway.upstream.transport.Loop;
import dev.wsgateway.upstream.transport.LoopBuffers;
import dev.wsgateway.upstream.transport.Wire;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * One of Undertow's XNIO I/O threads as a {@link Loop} of the backend transport: a backend socket opened here is
 * served by the same thread as the client connection whose handshake opened it, so a message from the backend
 * is read, framed for the client and written to the client's socket without changing threads (and the other
 * way round when the handlers run on the I/O threads, see {@code server-configs/wildfly/handler-threads.cli}).
 */
public final class XnioLoop implements Loop {
    private static final OptionMap SOCKET_OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);
    private final XnioIoThread thread;
    private final LoopBuffers buffers = new LoopBuffers();

    public XnioLoop(XnioIoThread thread) {
        this.thread = thread;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        thread.execute(task);
    }

    @Override
    public Timer schedule(long atNanos, Runnable action) {
        long millis = TimeUnit.NANOSECONDS.toMillis(Math.max(0, atNanos - System.nanoTime()) + 999_999);
        XnioExecutor.Key key = thread.executeAfter(action, millis, TimeUnit.MILLISECONDS);
        return key::remove;
    }

    @Override
    public void connect(InetSocketAddress address, Wire.Events events) {
        XnioWire wire = new XnioWire(thread, events);
        events.attached(wire);
        wire.connect(thread.openStreamConnection(address, wire, SOCKET_OPTIONS));
    }

    @Override
    public LoopBuffers buffers() {
        return buffers;
    }

    @Override
    public String toString() {
        return thread.getName();
    }
}
