package dev.wsgateway.metrics;

import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.Side;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * One route's relayed traffic, read at scrape time: the totals of its ended sessions plus what its live
 * sessions have counted so far (the relay's own per-direction counters). Nothing here runs per message.
 */
final class RouteTraffic {
    /** What one counter reads from a session. */
    enum Measure {
        MESSAGES_FROM_CLIENT(s -> s.flowFrom(Side.CLIENT).messages()),
        MESSAGES_FROM_BACKEND(s -> s.flowFrom(Side.BACKEND).messages()),
        BYTES_FROM_CLIENT(s -> s.flowFrom(Side.CLIENT).bytes()),
        BYTES_FROM_BACKEND(s -> s.flowFrom(Side.BACKEND).bytes()),
        FRAMES_FROM_CLIENT(s -> s.flowFrom(Side.CLIENT).frames()),
        FRAMES_FROM_BACKEND(s -> s.flowFrom(Side.BACKEND).frames()),
        READ_PAUSES(RelaySession::readPauses);

        final ToLongFunction<RelaySession> read;

        Measure(ToLongFunction<RelaySession> read) {
            this.read = read;
        }
    }

    private final LongAdder[] ended = new LongAdder[Measure.values().length];
    /**
     * The last value reported per measure. A session moves from "live" to "ended" between two reads, so a sum
     * can briefly count it twice or not at all; reporting the maximum keeps the counter monotonic.
     */
    private final AtomicLong[] reported = new AtomicLong[Measure.values().length];

    RouteTraffic() {
        for (int i = 0; i < ended.length; i++) {
            ended[i] = new LongAdder();
            reported[i] = new AtomicLong();
        }
    }

    void sessionEnded(RelaySession s) {
        for (Measure m : Measure.values()) {
            ended[m.ordinal()].add(m.read.applyAsLong(s));
        }
    }

    /** The counter's value: ended sessions plus {@code live} (the live sessions' sum), never less than before. */
    long total(Measure m, long live) {
        long now = ended[m.ordinal()].sum() + live;
        return reported[m.ordinal()].accumulateAndGet(now, Math::max);
    }
}
