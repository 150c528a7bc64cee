package dev.wsgateway.upstream.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One selector thread of the transport's own: it owns the selector, the deadlines of the handshakes on it, and
 * the {@link LoopBuffers} of its connections. Other threads reach it only through {@link #execute} and
 * {@link #wakeup}.
 */
final class IoLoop implements Loop, Runnable {
    private static final Logger LOG = Logger.getLogger(IoLoop.class.getName());

    /** What a registered channel's attachment does when the selector reports it ready. */
    interface Ready {
        void ready(SelectionKey key);

        /** The loop stops: let go of the channel. */
        void shutdown();
    }

    /** Something due at a time, run on the loop. */
    static final class Deadline implements Comparable<Deadline>, Timer {
        final long atNanos;
        /**
         * Null once cancelled: a cancelled deadline stays queued until its time, and must not keep what its
         * action refers to (a closed connection and all of its session) alive until then.
         */
        Runnable action;

        Deadline(long atNanos, Runnable action) {
            this.atNanos = atNanos;
            this.action = action;
        }

        boolean cancelled() {
            return action == null;
        }

        @Override
        public void cancel() {
            action = null; // read on the loop only: callers are on the loop (see schedule)
        }

        @Override
        public int compareTo(Deadline o) {
            return Long.compare(atNanos, o.atNanos);
        }
    }

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ClassLoader contextLoader;
    private final String name;
    private final LoopBuffers buffers = new LoopBuffers();
    private volatile Thread thread;
    private volatile boolean stopping;

    IoLoop(String name, ClassLoader contextLoader) throws IOException {
        this.selector = Selector.open();
        this.name = name;
        this.contextLoader = contextLoader;
    }

    String name() {
        return name;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs the task on the loop, after the event being handled when called from the loop itself (never inline:
     * callers may be deep in Tyrus or in another connection's read).
     */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        wakeup();
        if (stopping) {
            tasks.remove(task); // nobody will run it; the caller's channel was closed by shutdown
        }
    }

    /** Makes the selector look at changed interest sets now; coalesced while one wake-up is pending. */
    void wakeup() {
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Only on the loop (and the returned timer cancelled only there). */
    @Override
    public Deadline schedule(long atNanos, Runnable action) {
        Deadline d = new Deadline(atNanos, action);
        deadlines.add(d);
        return d;
    }

    @Override
    public LoopBuffers buffers() {
        return buffers;
    }

    /** Opens a non-blocking socket (no Nagle) and registers it on the loop, which then finishes the connect. */
    @Override
    public void connect(InetSocketAddress address, Wire.Events events) throws IOException {
        SocketChannel channel = SocketChannel.open();
        NioWire wire;
        boolean connected;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            wire = new NioWire(this, channel, events);
            events.attached(wire);
            connected = channel.connect(address);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        execute(() -> wire.register(selector, connected));
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        thread.setContextClassLoader(contextLoader);
        try {
            while (!stopping) {
                long timeout = timeoutMillis();
                if (timeout < 0) {
                    selector.selectNow(this::ready);
                } else {
                    selector.select(this::ready, timeout);
                }
                wakeupPending.set(false);
                runTasks();
                runDeadlines();
            }
        } catch (IOException | ClosedSelectorException e) {
            LOG.log(Level.SEVERE, name + ": the selector failed; its backend connections are closed", e);
        } finally {
            shutdownChannels();
            stopped.countDown();
        }
    }

    private void ready(SelectionKey key) {
        try {
            ((Ready) key.attachment()).ready(key);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, name + ": a backend connection's event failed", e);
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, name + ": a task failed", e);
            }
        }
    }

    /** -1: select without waiting; 0: wait until woken; else the milliseconds to the next deadline. */
    private long timeoutMillis() {
        if (!tasks.isEmpty()) {
            return -1;
        }
        Deadline next;
        while ((next = deadlines.peek()) != null && next.cancelled()) {
            deadlines.poll();
        }
        if (next == null) {
            return 0;
        }
        long nanos = next.atNanos - System.nanoTime();
        return nanos <= 0 ? -1 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void runDeadlines() {
        long now = System.nanoTime();
        Deadline d;
        while ((d = deadlines.peek()) != null && (d.cancelled() || d.atNanos - now <= 0)) {
            deadlines.poll();
            Runnable action = d.action;
            if (action != null) {
                try {
                    action.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.WARNING, name + ": a deadline's action failed", e);
                }
            }
        }
    }

    private void shutdownChannels() {
        List<Ready> open = new ArrayList<>();
        try {
            for (SelectionKey key : selector.keys()) {
                open.add((Ready) key.attachment());
            }
        } catch (ClosedSelectorException e) {
            // nothing registered any more
        }
        open.forEach(r -> {
            try {
                r.shutdown();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing a backend connection at shutdown failed", e);
            }
        });
        runTasks();
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing a selector failed", e);
        }
    }

    /** Stops the loop, closing its connections; waits a little for it. */
    void stop() {
        stopping = true;
        selector.wakeup();
        try {
            if (thread != null && !inLoop()) {
                stopped.await(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
