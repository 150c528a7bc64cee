package dev.wsgateway.trace;

import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.eclipse.microprofile.config.Config;

/**
 * Frame tracing on demand (issue 14): the traces of routes and of single sessions on this instance. A route's
 * trace taps its live sessions and those opened until its deadline; a session's trace taps that session. Past
 * the deadline nothing more is recorded (each tap comes off at the next frame); the frames stay readable for
 * {@code gateway.trace.retain-seconds}, then they are discarded (checked whenever tracing is used or a session
 * opens: no timer). Memory is bounded: frames per session, sessions per route trace, ended direct session traces.
 * Nothing here runs for a session on a route that is not traced but one map lookup when it opens, and only once
 * some trace was ever started.
 */
@ApplicationScoped
public class Tracing {
    @Inject
    SessionRegistry registry;
    @Inject
    Config config;

    private TraceSettings.Limits limits;
    private LongSupplier nanoTime = System::nanoTime;
    private final Map<String, RouteTrace> routes = new ConcurrentHashMap<>();
    /** Every session trace kept, by session id (from a route's trace or started on the session). */
    private final Map<String, SessionTrace> bySession = new ConcurrentHashMap<>();
    /** Traces started on a session, oldest first: the ended ones are kept up to {@code maxSessions}. */
    private final LinkedHashMap<String, SessionTrace> direct = new LinkedHashMap<>();

    public Tracing() {
    }

    /** For tests: no container. */
    Tracing(SessionRegistry registry, TraceSettings.Limits limits, LongSupplier nanoTime) {
        this.registry = registry;
        this.limits = limits;
        this.nanoTime = nanoTime;
        registry.onOpened(this::opened);
    }

    @PostConstruct
    void init() {
        List<String> patterns = config.getOptionalValues("gateway.trace.redact-patterns", String.class).orElse(List.of());
        for (String p : patterns) {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw new IllegalStateException("gateway.trace.redact-patterns: not a valid regular expression: " + p, e);
            }
        }
        limits = new TraceSettings.Limits(
                value("gateway.trace.default-seconds", 60), value("gateway.trace.max-seconds", 3600),
                value("gateway.trace.default-frames", 100), value("gateway.trace.max-frames", 1000),
                value("gateway.trace.preview-bytes", 64), value("gateway.trace.max-preview-bytes", 1024),
                value("gateway.trace.max-sessions", 20), value("gateway.trace.retain-seconds", 600),
                config.getOptionalValues("gateway.trace.redact-fields", String.class).orElse(List.of()),
                patterns);
        registry.onOpened(this::opened);
    }

    private int value(String key, int otherwise) {
        return config.getOptionalValue(key, Integer.class).orElse(otherwise);
    }

    public TraceSettings.Limits limits() {
        return limits;
    }

    /** Traces the route's sessions (live and new) until {@code settings.seconds()} from now; replaces a trace. */
    public synchronized RouteTrace traceRoute(String routeId, TraceSettings settings) {
        long now = nanoTime.getAsLong();
        purge(now);
        RouteTrace old = routes.remove(routeId);
        if (old != null) {
            discard(old);
        }
        RouteTrace trace = new RouteTrace(routeId, settings, Instant.now().plusSeconds(settings.seconds()),
                now + TimeUnit.SECONDS.toNanos(settings.seconds()), limits.maxSessions());
        routes.put(routeId, trace);
        for (RelaySession s : registry.all()) {
            if (s.route().id().equals(routeId) && !s.state().finished()) {
                SessionTrace current = bySession.get(s.id());
                if (current == null || !current.active()) {
                    traceInRoute(s, trace);
                }
            }
        }
        return trace;
    }

    /** Traces one session until {@code settings.seconds()} from now; replaces its trace. */
    public synchronized SessionTrace traceSession(RelaySession session, TraceSettings settings) {
        long now = nanoTime.getAsLong();
        purge(now);
        SessionTrace old = bySession.remove(session.id());
        if (old != null) {
            forget(old);
        }
        SessionTrace trace = new SessionTrace(session, settings, Instant.now().plusSeconds(settings.seconds()),
                now + TimeUnit.SECONDS.toNanos(settings.seconds()), nanoTime);
        bySession.put(session.id(), trace);
        direct.put(session.id(), trace);
        trimDirect();
        trace.attach();
        return trace;
    }

    /** A new session: traced if its route is. */
    void opened(RelaySession session) {
        if (routes.isEmpty()) {
            return;
        }
        synchronized (this) {
            long now = nanoTime.getAsLong();
            purge(now);
            RouteTrace trace = routes.get(session.route().id());
            if (trace != null && trace.active(now)) {
                traceInRoute(session, trace);
            }
        }
    }

    private void traceInRoute(RelaySession session, RouteTrace route) {
        SessionTrace trace = new SessionTrace(session, route.settings(), route.until(), route.deadlineNanos(), nanoTime);
        List<SessionTrace> evicted = new ArrayList<>();
        if (route.admit(trace, evicted)) {
            evicted.forEach(e -> bySession.remove(e.session().id(), e));
            SessionTrace old = bySession.put(session.id(), trace);
            if (old != null) {
                forget(old);
            }
            trace.attach();
        }
    }

    public synchronized Optional<RouteTrace> route(String routeId) {
        purge(nanoTime.getAsLong());
        return Optional.ofNullable(routes.get(routeId));
    }

    public synchronized Optional<SessionTrace> session(String sessionId) {
        purge(nanoTime.getAsLong());
        return Optional.ofNullable(bySession.get(sessionId));
    }

    /** Stops the route's trace and discards its frames; false when there was none. */
    public synchronized boolean stopRoute(String routeId) {
        RouteTrace trace = routes.remove(routeId);
        if (trace == null) {
            return false;
        }
        discard(trace);
        return true;
    }

    /** Stops the session's trace and discards its frames; false when there was none. */
    public synchronized boolean stopSession(String sessionId) {
        SessionTrace trace = bySession.remove(sessionId);
        if (trace == null) {
            return false;
        }
        forget(trace);
        return true;
    }

    private void discard(RouteTrace trace) {
        trace.stop();
        trace.sessions().forEach(t -> bySession.remove(t.session().id(), t));
    }

    /** Stops a session trace and drops it from wherever it is kept (but {@link #bySession}, done by the caller). */
    private void forget(SessionTrace trace) {
        trace.stop();
        routes.values().forEach(r -> r.remove(trace));
        direct.remove(trace.session().id(), trace);
    }

    private void trimDirect() {
        int ended = 0;
        for (SessionTrace t : direct.values()) {
            if (t.session().state().finished()) {
                ended++;
            }
        }
        Iterator<SessionTrace> it = direct.values().iterator();
        while (ended > limits.maxSessions() && it.hasNext()) {
            SessionTrace t = it.next();
            if (t.session().state().finished()) {
                it.remove();
                bySession.remove(t.session().id(), t);
                ended--;
            }
        }
    }

    /** Drops traces whose deadline passed more than the retention ago. */
    private void purge(long now) {
        long retain = TimeUnit.SECONDS.toNanos(limits.retainSeconds());
        routes.values().removeIf(r -> {
            boolean gone = now - (r.deadlineNanos() + retain) >= 0;
            if (gone) {
                discard(r);
            }
            return gone;
        });
        direct.values().removeIf(t -> {
            boolean gone = now - (t.deadlineNanos() + retain) >= 0;
            if (gone) {
                t.stop();
                bySession.remove(t.session().id(), t);
            }
            return gone;
        });
    }
}
