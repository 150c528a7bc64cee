package dev.wsgateway.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's trace: the sessions it traces (live ones it found when it started and those opened until its
 * deadline), at most {@code maxSessions} of them; when full, the oldest ended session's trace makes room, and
 * when none has ended the new session is not traced (counted in {@link #skipped()}).
 */
public final class RouteTrace {
    private final String routeId;
    private final TraceSettings settings;
    private final Instant until;
    private final long deadlineNanos;
    private final int maxSessions;
    private final Map<String, SessionTrace> sessions = new LinkedHashMap<>();
    private long skipped;
    private volatile boolean stopped;

    RouteTrace(String routeId, TraceSettings settings, Instant until, long deadlineNanos, int maxSessions) {
        this.routeId = routeId;
        this.settings = settings;
        this.until = until;
        this.deadlineNanos = deadlineNanos;
        this.maxSessions = maxSessions;
    }

    /** Takes a new session's trace if there is room (false if not); a trace evicted to make room goes to {@code evicted}. */
    synchronized boolean admit(SessionTrace trace, List<SessionTrace> evicted) {
        if (sessions.size() >= maxSessions) {
            Iterator<SessionTrace> it = sessions.values().iterator();
            SessionTrace ended = null;
            while (it.hasNext()) {
                SessionTrace t = it.next();
                if (t.session().state().finished()) {
                    ended = t;
                    it.remove();
                    break;
                }
            }
            if (ended == null) {
                skipped++;
                return false;
            }
            evicted.add(ended);
        }
        sessions.put(trace.session().id(), trace);
        return true;
    }

    synchronized void remove(SessionTrace trace) {
        sessions.remove(trace.session().id(), trace);
    }

    synchronized List<SessionTrace> sessions() {
        return new ArrayList<>(sessions.values());
    }

    public synchronized long skipped() {
        return skipped;
    }

    void stop() {
        stopped = true;
        sessions().forEach(SessionTrace::stop);
    }

    boolean active(long nowNanos) {
        return !stopped && nowNanos - deadlineNanos < 0;
    }

    public String routeId() {
        return routeId;
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
}
