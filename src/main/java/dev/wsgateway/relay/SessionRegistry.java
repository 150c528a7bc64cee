package dev.wsgateway.relay;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.route.Route;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.concurrent.TimeUnit;

/**
 * The live relayed sessions, and the one timer that enforces idle timeouts, pings silent sides (keepalive),
 * and reaps pairs whose sides never finished closing (so nothing is left behind when a side vanishes). Also the
 * small pool that runs the sends Jakarta WebSocket offers only as blocking calls (see {@link SessionPeer}).
 */
public final class SessionRegistry implements AutoCloseable {
    /** A pair still closing after this long is dropped from the registry. */
    static final long CLOSING_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * Threads for blocking sends at most: each is held while its part is written, so this many clients that stop
     * reading in the middle of a fragmented message hold up the others' parts (their budgets still bound memory;
     * keepalive closes a side whose sends make no progress).
     */
    private static final int BLOCKING_SEND_THREADS = 32;
    private static final Close IDLE = new Close(CloseCodes.GOING_AWAY, "idle timeout");
    private static final Close SHUTDOWN = new Close(CloseCodes.GOING_AWAY, "gateway shutting down");
    public static final Close TOKEN_EXPIRED = new Close(CloseCodes.POLICY_VIOLATION, "token expired");
    private static final Close TOKEN_EXPIRED_TO_BACKEND = new Close(CloseCodes.GOING_AWAY, "client token expired");

    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer;
    /** Parts of fragmented messages, pings and pongs to the clients (see {@link SessionPeer}). */
    private final ThreadPoolExecutor blockingSends;

    private final Consumer<RelaySession> onEnded;
    private final SessionLifetime lifetime;
    /** Told about every new pair before its first frame (frame tracing); none until someone asks. */
    private volatile Consumer<RelaySession> onOpened = s -> { };

    public SessionRegistry() {
        this(s -> { });
    }

    public SessionRegistry(Consumer<RelaySession> onEnded) {
        this(onEnded, new SessionLifetime(SessionLifetime.DEFAULT_JITTER_PERCENT, new java.util.Random()));
    }

    /**
     * @param onEnded  told once about every pair that finished (metrics, the access log), after it left the registry
     * @param lifetime when a route's maximum session age closes its sessions
     */
    public SessionRegistry(Consumer<RelaySession> onEnded, SessionLifetime lifetime) {
        this.onEnded = onEnded;
        this.lifetime = lifetime;
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("ws-gateway-session-timer"));
        timer.setRemoveOnCancelPolicy(true); // a session that ends before its token expires leaves nothing queued
        this.timer = timer;
        blockingSends = new ThreadPoolExecutor(BLOCKING_SEND_THREADS, BLOCKING_SEND_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemon("ws-gateway-blocking-send"));
        blockingSends.allowCoreThreadTimeOut(true);
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
        return open(route, clientAddress, Credentials.ANONYMOUS, List.of());
    }

    /**
     * Registers a new pair. {@code onEnd} runs once when it finishes (giving back what the handshake
     * reserved). A credential that must be enforced closes the pair at its expiry: 1008 {@code token expired}
     * to the client (at once if it already passed), 1001 to the backend. A route's maximum session age closes
     * the pair with 1001 at that age less its jitter ({@link SessionLifetime}).
     */
    public RelaySession open(Route route, String clientAddress, Credentials credentials, List<Runnable> onEnd) {
        AtomicReference<ScheduledFuture<?>> expiry = new AtomicReference<>();
        AtomicReference<ScheduledFuture<?>> maxAge = new AtomicReference<>();
        RelaySession session = new RelaySession(newId(), route, clientAddress, credentials, s -> {
            sessions.remove(s.id());
            for (AtomicReference<ScheduledFuture<?>> timer : List.of(expiry, maxAge)) {
                ScheduledFuture<?> pending = timer.get();
                if (pending != null) {
                    pending.cancel(false);
                }
            }
            onEnd.forEach(SessionRegistry::runQuietly);
            runQuietly(() -> onEnded.accept(s));
        }, blockingSends);
        sessions.put(session.id(), session);
        runQuietly(() -> onOpened.accept(session));
        if (credentials.enforceExpiry()) {
            long delay = Math.max(0, Duration.between(Instant.now(), credentials.expiresAt()).toMillis());
            expiry.set(timer.schedule(() -> session.close("expiry", TOKEN_EXPIRED, TOKEN_EXPIRED_TO_BACKEND),
                    delay, TimeUnit.MILLISECONDS));
            if (session.state().finished()) {
                expiry.get().cancel(false);
            }
        }
        long ageMillis = lifetime.closeAfterMillis(route.maxSessionSeconds());
        if (ageMillis >= 0) {
            maxAge.set(timer.schedule(() -> session.close(SessionLifetime.CAUSE, SessionLifetime.MAX_AGE,
                    SessionLifetime.MAX_AGE), ageMillis, TimeUnit.MILLISECONDS));
            if (session.state().finished()) {
                maxAge.get().cancel(false);
            }
        }
        return session;
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            Logger.getLogger(SessionRegistry.class.getName()).log(Level.WARNING, "a session-end action failed", e);
        }
    }

    /** Sets what is told about every new pair, before its first frame (one listener: frame tracing). */
    public void onOpened(Consumer<RelaySession> listener) {
        this.onOpened = listener;
    }

    /** Closes every live pair whose credentials match (a revocation); returns how many. */
    public int closeMatching(Predicate<Credentials> matches, Close toClient, Close toBackend) {
        int closed = 0;
        for (RelaySession s : sessions.values()) {
            if (s.state().relaying() && matches.test(s.credentials())) {
                s.close("revocation", toClient, toBackend);
                closed++;
            }
        }
        return closed;
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

    /**
     * Runs {@code task} on the session timer after {@code delayMillis} (the drain's batches). The timer has one
     * thread: the task must be quick and must not wait.
     */
    public ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return timer.schedule(() -> runQuietly(task), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    }

    /** One pass of the timer; public for tests that drive time themselves. */
    public void sweep(long nowNanos) {
        for (RelaySession s : sessions.values()) {
            s.expirePushes(nowNanos);
            RelaySession.State state = s.state();
            if (state == RelaySession.State.OPEN) {
                int idleSeconds = s.route().idleTimeoutSeconds();
                if (idleSeconds > 0 && nowNanos - s.lastActivityNanos() > TimeUnit.SECONDS.toNanos(idleSeconds)) {
                    s.close("idle", IDLE, IDLE);
                    continue;
                }
                int pingSeconds = s.route().pingIntervalSeconds();
                if (pingSeconds > 0) {
                    long interval = TimeUnit.SECONDS.toNanos(pingSeconds);
                    s.keepAlive(Side.CLIENT, nowNanos, interval);
                    s.keepAlive(Side.BACKEND, nowNanos, interval);
                }
            } else if (state.closing()
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
        blockingSends.shutdown();
        for (RelaySession s : sessions.values()) {
            s.close("shutdown", SHUTDOWN, SHUTDOWN);
        }
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
