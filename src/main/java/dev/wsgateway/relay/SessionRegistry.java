package dev.wsgateway.relay;

import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.route.Route;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live relayed sessions, and the one timer that enforces idle timeouts, pings silent sides (keepalive),
 * and reaps pairs whose sides never finished closing (so nothing is left behind when a side vanishes).
 */
public final class SessionRegistry implements AutoCloseable {
    /** A pair still closing after this long is dropped from the registry. */
    static final long CLOSING_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Close IDLE = new Close(CloseCodes.GOING_AWAY, "idle timeout");
    private static final Close SHUTDOWN = new Close(CloseCodes.GOING_AWAY, "gateway shutting down");

    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer;
    private final ExecutorService pinger;

    public SessionRegistry() {
        timer = Executors.newSingleThreadScheduledExecutor(daemon("ws-gateway-session-timer"));
        pinger = Executors.newFixedThreadPool(2, daemon("ws-gateway-keepalive"));
        timer.scheduleWithFixedDelay(() -> sweep(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public RelaySession open(Route route, String clientAddress) {
        RelaySession session = new RelaySession(newId(), route, clientAddress, s -> sessions.remove(s.id()));
        sessions.put(session.id(), session);
        return session;
    }

    public Collection<RelaySession> all() {
        return List.copyOf(sessions.values());
    }

    public Optional<RelaySession> get(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public int size() {
        return sessions.size();
    }

    /** One pass of the timer; public for tests that drive time themselves. */
    public void sweep(long nowNanos) {
        for (RelaySession s : sessions.values()) {
            RelaySession.State state = s.state();
            if (state == RelaySession.State.OPEN) {
                int idleSeconds = s.route().idleTimeoutSeconds();
                if (idleSeconds > 0 && nowNanos - s.lastActivityNanos() > TimeUnit.SECONDS.toNanos(idleSeconds)) {
                    s.close(IDLE, IDLE);
                    continue;
                }
                int pingSeconds = s.route().pingIntervalSeconds();
                if (pingSeconds > 0) {
                    long interval = TimeUnit.SECONDS.toNanos(pingSeconds);
                    s.keepAlive(Side.CLIENT, nowNanos, interval, pinger);
                    s.keepAlive(Side.BACKEND, nowNanos, interval, pinger);
                }
            } else if (state == RelaySession.State.CLOSING
                    && nowNanos - s.stateSinceNanos() > CLOSING_GRACE_NANOS) {
                s.finishNow();
            } else if (state == RelaySession.State.CONNECTING
                    && nowNanos - s.stateSinceNanos() > TimeUnit.MILLISECONDS.toNanos(
                            RelaySession.CLIENT_ATTACH_TIMEOUT_MILLIS + s.route().connectTimeoutMillis())) {
                s.clientAbandoned();
            }
        }
    }

    /** Closes every pair (undeploy, shutdown) and stops the timer. */
    @Override
    public void close() {
        timer.shutdownNow();
        pinger.shutdownNow();
        for (RelaySession s : sessions.values()) {
            s.close(SHUTDOWN, SHUTDOWN);
        }
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
