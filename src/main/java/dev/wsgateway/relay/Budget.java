package dev.wsgateway.relay;

/**
 * A direction's budget of bytes in flight, and the source reads it governs. Bytes are taken when a frame is read
 * from the source and given back when the outbound peer reports it written. Past the limit the source is paused;
 * once half the limit or less is in flight it is resumed. A source that cannot be paused ({@link ReadGate#NONE})
 * is held instead: its reading thread waits in {@link #holdWhileOver()} (the fallback where a server offers no
 * pause). Never blocks otherwise; the gate's calls run outside the budget's lock.
 */
public final class Budget {
    private final long limit;
    private final Object gateLock = new Object();

    // guarded by this
    private long inFlight;
    private boolean over;
    private boolean released;

    // guarded by gateLock
    private volatile ReadGate source = ReadGate.NONE;
    private boolean gatePaused;

    private volatile long pauses;

    Budget(long limit) {
        this.limit = limit;
    }

    /** The source's reads opened; {@code reads} pauses them. */
    void source(ReadGate reads) {
        source = reads;
        syncGate(); // it may have gone over before it could be paused
    }

    /** Bytes read from the source; pauses it when they take the budget past its limit. */
    void take(long bytes) {
        boolean pause;
        synchronized (this) {
            inFlight += bytes;
            pause = !over && !released && inFlight > limit;
            if (pause) {
                over = true;
            }
        }
        if (pause) {
            pauses++;
            syncGate();
        }
    }

    /** Bytes written to the peer (or dropped); resumes the source when half the limit or less is left. */
    void give(long bytes) {
        boolean resume;
        synchronized (this) {
            inFlight -= bytes;
            resume = over && inFlight <= limit / 2;
            if (resume) {
                over = false;
                notifyAll();
            }
        }
        if (resume) {
            syncGate();
        }
    }

    /**
     * Nothing more will be sent (the peer is gone or the pair finished): the source reads again (so that its own
     * close can be read) and a held thread is let go, for good.
     */
    void release() {
        synchronized (this) {
            released = true;
            over = false;
            notifyAll();
        }
        syncGate();
    }

    /** The fallback for a source that cannot be paused: its reading thread waits here while over the limit. */
    void holdWhileOver() {
        if (source.pauses()) {
            return;
        }
        synchronized (this) {
            while (over && !released) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Makes the gate match the state: the last thread here sees the final state, so no pause or resume is lost. */
    private void syncGate() {
        synchronized (gateLock) {
            boolean want;
            synchronized (this) {
                want = over && !released;
            }
            if (want != gatePaused) {
                gatePaused = want;
                if (want) {
                    source.pause();
                } else {
                    source.resume();
                }
            }
        }
    }

    public long limit() {
        return limit;
    }

    /** Bytes taken from the source and not yet written to the peer (queued or being sent). */
    public synchronized long inFlight() {
        return inFlight;
    }

    /** Whether the source is paused (or held) because the budget is exhausted. */
    public synchronized boolean over() {
        return over;
    }

    /** How many times the source was paused. */
    public long pauses() {
        return pauses;
    }
}
