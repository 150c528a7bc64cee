package dev.wsgateway.relay;

import java.util.concurrent.CompletableFuture;

/**
 * Messages an administrator pushes into one {@link Direction} (towards that direction's outbound side), placed at
 * a message boundary: never between the fragments of a message the source is sending. A push arriving between
 * the first and the last fragment waits for the last one, at most until its deadline; one push at most waits per
 * direction. A push must fit in what is left of the direction's budget of bytes in flight, so pushes never queue
 * beyond it.
 *
 * <p>The source's reading thread reports each data frame before ({@link #before}) and after ({@link #after}) it
 * forwards it; a push taken in between them is held. Lock order: this, then the direction's lock (through
 * {@link Direction#inject}); the futures complete outside the lock.
 */
public final class Pushes {
    /** What became of a push. */
    public enum Outcome {
        /** Queued at a message boundary, in order after what was queued before it. */
        QUEUED,
        /** Another push already waits for this direction's message boundary. */
        BUSY,
        /** It does not fit in what is left of the direction's budget of bytes in flight. */
        OVER_BUDGET,
        /** The source's fragmented message did not end before the push's deadline; it was not sent. */
        NO_BOUNDARY,
        /** Nothing more is sent this way (the pair is closing or closed). */
        CLOSED
    }

    private final Direction direction;

    // guarded by this; inMessage is written only by the source's thread, which may read it without the lock
    private boolean inMessage;
    private Frame waiting;
    private CompletableFuture<Outcome> waiter;
    private long deadlineNanos;

    Pushes(Direction direction) {
        this.direction = direction;
    }

    /** Queues {@code message} (a whole one) now, or once the source's fragmented message ended. */
    CompletableFuture<Outcome> push(Frame message, long maxWaitNanos) {
        boolean now;
        synchronized (this) {
            if (waiting != null) {
                return CompletableFuture.completedFuture(Outcome.BUSY);
            }
            if (direction.inFlightBytes() + message.length() > direction.budget().limit()) {
                return CompletableFuture.completedFuture(Outcome.OVER_BUDGET);
            }
            now = !inMessage;
            if (!now) {
                waiting = message;
                waiter = new CompletableFuture<>();
                deadlineNanos = System.nanoTime() + maxWaitNanos;
                return waiter;
            }
            // queued under this lock, so a fragmented message cannot start in between
            return CompletableFuture.completedFuture(direction.inject(message) ? Outcome.QUEUED : Outcome.CLOSED);
        }
    }

    /** On the source's thread, before a data frame is forwarded: a first fragment opens a message. */
    void before(Frame frame) {
        if (!frame.last() && !inMessage) { // written only on this thread: read without the lock
            synchronized (this) {
                inMessage = true;
            }
        }
    }

    /** On the source's thread, after a data frame was forwarded: the last fragment lets a waiting push go. */
    void after(Frame frame) {
        if (!frame.last() || !inMessage) {
            return; // a whole message in one frame: no push can be waiting for its end (the common case, no lock)
        }
        CompletableFuture<Outcome> done;
        boolean queued;
        synchronized (this) {
            inMessage = false;
            if (waiting == null) {
                return;
            }
            // inside the lock: a push arriving meanwhile queues behind this one, not before it
            queued = direction.inject(waiting);
            done = waiter;
            waiting = null;
            waiter = null;
        }
        done.complete(queued ? Outcome.QUEUED : Outcome.CLOSED);
    }

    /** Whether a push waits for the source's message to end. */
    synchronized boolean waiting() {
        return waiting != null;
    }

    /** A waiting push past its deadline is dropped (from the session timer). */
    void expire(long nowNanos) {
        finishWaiting(Outcome.NO_BOUNDARY, nowNanos, false);
    }

    /** The pair finished: a waiting push will never go. */
    void cancel() {
        finishWaiting(Outcome.CLOSED, 0, true);
    }

    private void finishWaiting(Outcome outcome, long nowNanos, boolean always) {
        CompletableFuture<Outcome> done;
        synchronized (this) {
            if (waiting == null || (!always && nowNanos - deadlineNanos < 0)) {
                return;
            }
            done = waiter;
            waiting = null;
            waiter = null;
        }
        done.complete(outcome);
    }
}
