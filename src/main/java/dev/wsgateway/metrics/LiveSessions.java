package dev.wsgateway.metrics;

import dev.wsgateway.metrics.RouteTraffic.Measure;
import dev.wsgateway.relay.RelaySession;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Per-route sums over the live sessions, taken in one pass and reused for a second, so that one scrape
 * (dozens of meters) walks the sessions once.
 */
final class LiveSessions {
    private static final long MAX_AGE_NANOS = 1_000_000_000L;

    /** One route's live sessions: how many are open, and the sum of each measure. */
    static final class Sums {
        long open;
        final long[] measures = new long[Measure.values().length];
    }

    private static final Sums NONE = new Sums();

    private final Supplier<Collection<RelaySession>> sessions;
    private volatile Map<String, Sums> byRoute = Map.of();
    private volatile long takenNanos = System.nanoTime() - 2 * MAX_AGE_NANOS;
    private final AtomicLong endings = new AtomicLong();

    LiveSessions(Supplier<Collection<RelaySession>> sessions) {
        this.sessions = sessions;
    }

    /** A session ended: its counts now sit in the ended totals, so the next read must not see it live. */
    void invalidate() {
        endings.incrementAndGet();
        takenNanos = System.nanoTime() - 2 * MAX_AGE_NANOS;
    }

    Sums of(String routeId) {
        return current().getOrDefault(routeId, NONE);
    }

    private Map<String, Sums> current() {
        long now = System.nanoTime();
        if (now - takenNanos < MAX_AGE_NANOS) {
            return byRoute;
        }
        synchronized (this) {
            if (now - takenNanos >= MAX_AGE_NANOS) {
                long endingsBefore = endings.get();
                Map<String, Sums> sums = new HashMap<>();
                for (RelaySession s : sessions.get()) {
                    if (!s.opened() || s.state().finished()) {
                        continue;
                    }
                    Sums route = sums.computeIfAbsent(s.route().id(), id -> new Sums());
                    route.open++;
                    for (Measure m : Measure.values()) {
                        route.measures[m.ordinal()] += m.read.applyAsLong(s);
                    }
                }
                byRoute = sums;
                if (endings.get() == endingsBefore) {
                    takenNanos = System.nanoTime(); // reusable: no session ended while it was taken
                }
                return sums;
            }
            return byRoute;
        }
    }
}
