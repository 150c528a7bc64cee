package dev.wsgateway.relay;

import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One direction of a relayed pair, from one side to the other: its outbound {@link Peer}, its budget of bytes in
 * flight, its counters, and the {@link MessageHook} slot where per-message policies plug in.
 *
 * <p>Flow control by demand, one rule for both directions ({@link Budget}): every frame taken from the source
 * counts against the budget from the moment it is read until the outbound peer reports it written. Past the
 * budget the source's reads are paused ({@link ReadGate}); once the frames in flight drop to half the budget
 * they are resumed. A source that cannot be paused ({@link ReadGate#NONE}) has its reading thread held in the
 * handler instead, which is what those containers take as "read nothing more". So memory per direction is the
 * budget plus at most the frames a container delivers after a pause.
 *
 * <p>Frames are sent in order: a peer that {@link Peer#pipelines()} gets each at once; any other gets the next
 * once the previous completed. Frames that cannot go at once (the outbound peer is busy, or not attached yet:
 * backend frames before the client's upgrade completed) wait in a queue, within the same budget. Nothing here
 * blocks except that documented hold; the lock is held only to change the counts, never across a send.
 */
public final class Direction {
    private static final Logger LOG = Logger.getLogger(Direction.class.getName());

    /** What the direction reports to its pair: a send to the outbound side failed. */
    interface Failures {
        void sendFailed(Side to, Throwable cause);
    }

    private final Side from;
    private final Budget budget;
    private final long maxMessageBytes;
    private final Failures failures;
    /** Usually empty (an idle pair keeps it for its whole life): starts small, grows as frames wait. */
    private final ArrayDeque<Frame> queue = new ArrayDeque<>(1);
    /** The queue, private like a lock object of its own would be: one object less per direction. */
    private final Object lock = queue;
    private volatile MessageHook hook = MessageHook.NONE;
    /** Held bytes the frame the hook returned replaces (source's reading thread only). */
    private long assembledBytes;
    /** What the hook reports about the frames it keeps back; made with the hook (most routes have none). */
    private MessageHook.Holds holds;
    /** Null unless the direction is traced. */
    private volatile FrameTap tap;

    // guarded by lock
    private Peer to;
    private int sending;
    private boolean pumping;
    /** A close was queued or sent: nothing more is taken. */
    private boolean closed;
    /** The outbound side is gone, or the pair is finished: nothing more is sent and nobody is held. */
    private boolean released;
    private long progressNanos;

    // counters, written by the source's reading thread, read by anyone
    private volatile long frames;
    private volatile long messages;
    private volatile long bytes;
    private volatile long lastFrameNanos = System.nanoTime();
    private volatile boolean midMessage;
    private long messageBytes;

    Direction(Side from, long budget, long maxMessageBytes, Failures failures) {
        this.from = from;
        this.budget = new Budget(budget);
        this.maxMessageBytes = maxMessageBytes;
        this.failures = failures;
    }

    // ---- wiring ----------------------------------------------------------------------------------

    /** The side whose reads feed this direction opened; {@code reads} pauses them. */
    void sourceOpened(ReadGate reads) {
        budget.source(reads);
    }

    /** The side this direction sends to is attached: what waited for it goes now. */
    void attach(Peer peer) {
        synchronized (lock) {
            to = peer;
        }
        pump(null);
    }

    /** Plugs per-message policies into this direction (set before the first frame). */
    public void hook(MessageHook messageHook) {
        holds = new MessageHook.Holds() {
            @Override
            public void hold(long bytes) {
                budget.hold(bytes);
            }

            @Override
            public void drop(long bytes) {
                budget.unhold(bytes);
            }

            @Override
            public void assembled(long bytes) {
                assembledBytes += bytes;
            }
        };
        this.hook = messageHook; // after holds: the reading thread reads the hook (volatile) first
    }

    /** What is in the hook slot ({@link MessageHook#NONE} without message policies). */
    MessageHook hook() {
        return hook;
    }

    // ---- the source's frames ---------------------------------------------------------------------

    /**
     * Counts a data frame taken from the source; false when it makes its message larger than the route allows
     * (the frame is then not forwarded and the pair is closed by the caller).
     */
    boolean admit(long length, boolean last) {
        long now = System.nanoTime();
        lastFrameNanos = now;
        frames++;
        bytes += length;
        messageBytes += length;
        if (messageBytes > maxMessageBytes) {
            return false;
        }
        if (last) {
            messages++;
            messageBytes = 0;
        }
        midMessage = !last;
        return true;
    }

    /**
     * Forwards a frame from the source, on the source's reading thread. Returns once it is sent or queued; on a
     * source that cannot be paused, only once the direction is back under its budget.
     */
    void forward(Frame frame) {
        tap(frame, false);
        Frame f = frame;
        long replacesHeld = 0;
        MessageHook h = hook;
        if (h != MessageHook.NONE && frame.isData()) {
            f = h.onFrame(frame, holds);
            replacesHeld = assembledBytes;
            assembledBytes = 0;
            if (f == null) {
                budget.holdWhileOver(); // frames kept back count against the budget too
                return;
            }
        }
        Frame direct = null;
        synchronized (lock) {
            if (closed || released) {
                budget.unhold(replacesHeld);
                return; // data after a close is dropped, as RFC 6455 has it
            }
            if (replacesHeld == 0) {
                budget.take(f.length());
            } else {
                budget.takeHeld(f.length(), replacesHeld);
            }
            // a frame the hook made is the gateway's own: no container reuses its buffer
            boolean copy = from == Side.CLIENT && f == frame;
            if (!pumping && queue.isEmpty() && canSend()) {
                direct = copy && to.retainsBuffers() ? f.detached() : f;
                startSend();
                pumping = true;
            } else {
                queue.add(copy ? f.detached() : f);
            }
        }
        if (direct != null) {
            pump(direct);
        }
        budget.holdWhileOver();
    }

    /**
     * Sends a control frame of the gateway's own (a keepalive ping) if nothing is in flight or queued and no
     * fragmented message is under way to the peer; false when busy (it is not silent then: try later).
     */
    boolean sendIfIdle(Frame control) {
        synchronized (lock) {
            if (closed || released || to == null || pumping || sending > 0 || !queue.isEmpty() || midMessage) {
                return false;
            }
            budget.take(control.length());
            startSend();
            pumping = true;
        }
        tap(control, true);
        pump(control);
        return true;
    }

    /** The source ended: its close goes to the peer after everything queued before it. */
    void forwardClose(CloseCodes.Close close) {
        synchronized (lock) {
            if (closed || released) {
                return;
            }
            closed = true;
            queue.add(Frame.close(close));
        }
        tap(Frame.close(close), false);
        pump(null);
    }

    /** The gateway ends the pair: what is queued is dropped and the peer is closed now (or when it attaches). */
    void closeNow(CloseCodes.Close close) {
        Peer peer;
        synchronized (lock) {
            if (closed || released) {
                return;
            }
            closed = true;
            dropQueued();
            peer = to;
            if (peer == null) {
                queue.add(Frame.close(close)); // for the client whose upgrade is still completing
            }
        }
        tap(Frame.close(close), true);
        if (peer != null) {
            peer.close(close.code(), close.reason());
        }
    }

    /**
     * Queues a whole message of the gateway's own (an administrator's push, see {@link Pushes}) after what is
     * queued, within the budget, skipping the message hook; false when nothing more is sent this way. The caller
     * chooses the moment: never inside a fragmented message from the source.
     */
    boolean inject(Frame message) {
        Frame direct = null;
        synchronized (lock) {
            if (closed || released) {
                return false;
            }
            budget.take(message.length());
            if (!pumping && queue.isEmpty() && canSend()) {
                direct = message;
                startSend();
                pumping = true;
            } else {
                queue.add(message);
            }
        }
        tap(message, true);
        if (direct != null) {
            pump(direct);
        }
        return true;
    }

    /** Starts ({@code frameTap}) or stops ({@code null}) tracing this direction's frames. */
    public void tap(FrameTap frameTap) {
        this.tap = frameTap;
    }

    /** The tap tracing this direction, or null. */
    public FrameTap tap() {
        return tap;
    }

    private void tap(Frame frame, boolean byGateway) {
        FrameTap t = tap;
        if (t != null) {
            t.seen(from, frame, byGateway);
        }
    }

    /**
     * The outbound side is gone, or the pair is given up: nothing more is sent, the queue is dropped, a held
     * source thread is let go and a paused source reads again (so that its own close can be read).
     */
    void release() {
        synchronized (lock) {
            if (released) {
                return;
            }
            released = true;
            closed = true;
            dropQueued();
        }
        budget.release();
    }

    // ---- sending ---------------------------------------------------------------------------------

    private boolean canSend() {
        return to != null && !released && (sending == 0 || to.pipelines());
    }

    private void startSend() {
        if (sending == 0) {
            progressNanos = System.nanoTime();
        }
        sending++;
    }

    /** The next frame that may go now, marked as sending; null (and the pump stopped) when none may. */
    private Frame takeNext() {
        Frame next = queue.peek();
        if (next == null || !canSend() || (next.kind() == Frame.Kind.CLOSE && sending > 0)) {
            pumping = false;
            return null;
        }
        queue.poll();
        startSend();
        return next;
    }

    /**
     * Sends {@code first} (already marked as sending) and then whatever may follow, on this thread. Only one
     * thread pumps at a time; a completion that arrives meanwhile (inline or on another thread) leaves the
     * next frame to it, so the order holds and the stack stays flat.
     */
    private void pump(Frame first) {
        Frame next = first;
        if (next == null) {
            synchronized (lock) {
                if (pumping) {
                    return;
                }
                pumping = true;
                next = takeNext();
            }
        }
        while (next != null) {
            send(next);
            synchronized (lock) {
                next = takeNext();
            }
        }
    }

    private void send(Frame f) {
        Peer peer;
        synchronized (lock) {
            peer = to;
        }
        Peer.Sent done = failure -> completed(f, failure);
        try {
            switch (f.kind()) {
                case TEXT -> peer.sendText(f.text(), f.last(), done);
                case BINARY -> peer.sendBinary(f.data(), f.last(), done);
                case PING -> peer.sendPing(f.data(), done);
                case PONG -> peer.sendPong(f.data(), done);
                case CLOSE -> {
                    peer.close(f.closeCode(), f.text());
                    done.completed(null);
                }
            }
        } catch (RuntimeException e) {
            done.completed(e); // a peer must report through Sent; one that throws is treated the same
        }
    }

    private void completed(Frame f, Throwable failure) {
        synchronized (lock) {
            sending--;
            progressNanos = System.nanoTime();
        }
        budget.give(f.length());
        if (failure != null) {
            LOG.log(Level.FINE, failure, () -> "a send to the " + from.other().label() + " failed");
            failures.sendFailed(from.other(), failure);
        }
        pump(null);
    }

    /**
     * Under the lock: what waits is dropped and its bytes given back, those held for assembly too (the budget's
     * lock nests inside ours).
     */
    private void dropQueued() {
        long bytes = 0;
        for (Frame f : queue) {
            bytes += f.length();
        }
        queue.clear();
        budget.give(bytes);
        budget.unhold(Long.MAX_VALUE);
    }

    // ---- what keepalive, the admin API and metrics read -----------------------------------------

    /** The side whose frames this direction carries. */
    public Side from() {
        return from;
    }

    /** Since when sends to the peer have made no progress ({@link System#nanoTime()}), or 0 when none waits. */
    long stalledSinceNanos() {
        synchronized (lock) {
            return sending > 0 || (to != null && !queue.isEmpty()) ? progressNanos : 0;
        }
    }

    /** Between the first and the last frame of a fragmented message from the source. */
    public boolean midMessage() {
        return midMessage;
    }

    /** The outbound peer, or null before it is attached. */
    Peer peer() {
        synchronized (lock) {
            return to;
        }
    }

    /** The direction's budget of bytes in flight, and whether its source is paused. */
    public Budget budget() {
        return budget;
    }

    /** Bytes taken from the source and not yet written to the peer (queued or being sent). */
    public long inFlightBytes() {
        return budget.inFlight();
    }

    /** Whether the source is paused (or held) because the direction is over its budget. */
    public boolean paused() {
        return budget.over();
    }

    /** How many times the source was paused. */
    public long pauses() {
        return budget.pauses();
    }

    public long frames() {
        return frames;
    }

    public long messages() {
        return messages;
    }

    public long bytes() {
        return bytes;
    }

    /** When the source last sent a data frame ({@link System#nanoTime()}). */
    public long lastFrameNanos() {
        return lastFrameNanos;
    }
}
