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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live relayed sessions, and the one timer that enforces idle timeouts and reaps pairs whose
 * sides never finished closing (so nothing is left behind when a side vanishes).
 */
public final class SessionRegistry implements AutoCloseable {
    /** A pair still closing after this long is dropped from the registry. */
    static final long CLOSING_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Close IDLE = new Close(CloseCodes.GOING_AWAY, "idle timeout");
    private static final Close SHUTDOWN = new Close(CloseCodes.GOING_AWAY, "gateway shutting down");

    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer;

    public SessionRegistry() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ws-gateway-session-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> sweep(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
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
