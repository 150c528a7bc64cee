package dev.wsgateway.trace;

import dev.wsgateway.relay.Frame;
import dev.wsgateway.relay.FrameTap;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.Side;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.function.LongSupplier;

/**
 * The trace of one session: taps both its directions until the deadline, keeping the last frames in a
 * {@link FrameRing}. Past the deadline the first frame seen takes the taps off again (no timer), so the
 * session pays nothing more; the frames stay readable.
 */
public final class SessionTrace implements FrameTap {
    private final RelaySession session;
    private final TraceSettings settings;
    private final Instant until;
    private final long deadlineNanos;
    private final LongSupplier nanoTime;
    private final FrameRing ring;
    /** Per source side: inside a fragmented message (written by that side's reading thread only). */
    private final boolean[] inMessage = new boolean[2];
    private volatile boolean stopped;

    SessionTrace(RelaySession session, TraceSettings settings, Instant until, long deadlineNanos, LongSupplier nanoTime) {
        this.session = session;
        this.settings = settings;
        this.until = until;
        this.deadlineNanos = deadlineNanos;
        this.nanoTime = nanoTime;
        this.ring = new FrameRing(settings.frames());
    }

    /** Starts tapping both directions (a fragmented message under way is seen as such). */
    void attach() {
        for (Side side : Side.values()) {
            inMessage[side.ordinal()] = session.flowFrom(side).midMessage();
            session.flowFrom(side).tap(this);
        }
    }

    /** Stops recording and takes the taps off (those that are still this trace's). */
    void stop() {
        stopped = true;
        for (Side side : Side.values()) {
            if (session.flowFrom(side).tap() == this) {
                session.flowFrom(side).tap(null);
            }
        }
    }

    @Override
    public void seen(Side from, Frame frame, boolean byGateway) {
        if (stopped) {
            return;
        }
        if (nanoTime.getAsLong() - deadlineNanos >= 0) {
            stop();
            return;
        }
        try {
            ring.add(traced(from, frame, byGateway));
        } catch (RuntimeException e) {
            // a trace never disturbs the relay
        }
    }

    private TracedFrame traced(Side from, Frame frame, boolean byGateway) {
        String direction = from == Side.CLIENT ? "clientToBackend" : "backendToClient";
        boolean first = true;
        String opcode = frame.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (frame.isData() && !byGateway) {
            first = !inMessage[from.ordinal()];
            inMessage[from.ordinal()] = !frame.last();
            if (!first) {
                opcode = "continuation";
            }
        }
        Instant now = Instant.now();
        return switch (frame.kind()) {
            case TEXT, CLOSE -> {
                String text = frame.text() == null ? "" : frame.text();
                Redactor.Preview p = settings.redactor().preview(text, settings.previewBytes());
                long size = frame.kind() == Frame.Kind.CLOSE
                        ? 2 + text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : frame.length();
                yield new TracedFrame(direction, opcode, first, frame.last(), size, now, p.text(), false, p.truncated(), byGateway,
                        frame.closeCode());
            }
            case BINARY, PING, PONG -> {
                ByteBuffer data = frame.data().duplicate();
                int n = Math.min(data.remaining(), settings.previewBytes());
                byte[] head = new byte[n];
                data.get(head);
                yield new TracedFrame(direction, opcode, first, frame.last(), frame.length(), now,
                        Base64.getEncoder().encodeToString(head), true, n < frame.length(), byGateway, 0);
            }
        };
    }

    public RelaySession session() {
        return session;
    }

    public TraceSettings settings() {
        return settings;
    }

    public Instant until() {
        return until;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /** Recording (not stopped, deadline not passed). */
    public boolean active() {
        return !stopped && nanoTime.getAsLong() - deadlineNanos < 0;
    }

    public FrameRing ring() {
        return ring;
    }
}
