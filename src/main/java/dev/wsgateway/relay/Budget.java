package dev.wsgateway.relay;

/**
 * A direction's budget of bytes in flight, and the source reads it governs. Bytes are taken when a frame is read
 * from the source and given back when the outbound peer reports it written. Past the limit the source is paused;
 * once half the limit or less is in flight it is resumed. A source that cannot be paused ({@link ReadGate#NONE})
 * is held instead: its reading thread waits in {@link #holdWhileOver()} (the fallback where a server offers no
 * pause). Never blocks otherwise; the gate's calls run outside the budget's lock.
 *
 * <p>Bytes <em>held</em> (frames kept back while their message is assembled for whole-message policies) count
 * too, but only send completions give bytes back: so held bytes alone never pause the source (it must be read
 * for the message to complete), and a source paused with held bytes is resumed once nothing else is in flight.
 * The direction's memory is then its budget plus the assembly limit, which closes the sender with 1009.
 */
public final class Budget {
    private final long limit;
    private final Object gateLock = new Object();

    // guarded by this
    private long inFlight;
    /** Of {@code inFlight}: bytes held for assembly, not being sent. */
    private long held;
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
        change(bytes, 0);
    }

    /** Bytes written to the peer (or dropped); resumes the source when half the limit or less is left. */
    void give(long bytes) {
        change(-bytes, 0);
    }

    /** Bytes of a frame kept back while its message is assembled. */
    void hold(long bytes) {
        change(bytes, bytes);
    }

    /** Held bytes given up (their message was dropped, or the direction closed); at most what is held. */
    void unhold(long bytes) {
        if (bytes <= 0) {
            return;
        }
        synchronized (this) {
            bytes = Math.min(bytes, held);
        }
        if (bytes > 0) {
            change(-bytes, -bytes);
        }
    }

    /** A frame of {@code bytes} replaces {@code heldBytes} held ones (the assembled message), in one step. */
    void takeHeld(long bytes, long heldBytes) {
        synchronized (this) {
            heldBytes = Math.min(heldBytes, held);
        }
        change(bytes - heldBytes, -heldBytes);
    }

    private void change(long inFlightDelta, long heldDelta) {
        boolean pause = false;
        boolean resume = false;
        synchronized (this) {
            inFlight += inFlightDelta;
            held += heldDelta;
            if (!over) {
                // held bytes alone never pause: only sends give bytes back
                pause = !released && inFlight > limit && inFlight > held;
                over = pause;
            } else {
                resume = inFlight <= limit / 2 || inFlight <= held;
                if (resume) {
                    over = false;
                    notifyAll();
                }
            }
        }
        if (pause) {
            pauses++;
        }
        if (pause || resume) {
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

    /** Bytes taken from the source and not yet written to the peer (queued, being sent, or held for assembly). */
    public synchronized long inFlight() {
        return inFlight;
    }

    /** Of {@link #inFlight()}: the bytes held while a message is assembled for whole-message policies. */
    public synchronized long held() {
        return held;
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
