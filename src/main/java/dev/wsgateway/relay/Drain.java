package dev.wsgateway.relay;

import dev.wsgateway.relay.CloseCodes.Close;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/**
 * A graceful drain of this instance: while it is not {@link State#IDLE} readiness is DOWN and new handshakes
 * get 503; the sessions live when it starts are closed spread over a window, each at a random moment in a slot
 * of its own ({@link #spread}), in batches on the registry's timer, so a rolling restart does not make every
 * client reconnect at once. At the window's end any session still relaying (a handshake that was already past
 * the drain check) is closed too and the drain is DRAINED, which it stays until cancelled. Cancelling stops the
 * closes not yet made; the sessions still open stay open, and handshakes are accepted again.
 *
 * <p>Per instance: in a cluster each instance drains itself only.
 */
public final class Drain {
    /** Closes due within this much of each other go out as one batch (one timer task). */
    static final long BATCH_MILLIS = 100;
    /** What the backend of a drained session is told: its client did not leave, the gateway closed it. */
    public static final Close TO_BACKEND = new Close(CloseCodes.GOING_AWAY, "client session drained by the gateway");
    public static final String CAUSE = "drain";
    public static final String SHUTDOWN_CAUSE = "shutdown";

    public enum State { IDLE, DRAINING, DRAINED }

    /**
     * Where a drain stands. {@code remaining}: sessions still relaying on this instance; {@code closed}: those the
     * drain closed so far (others may have ended by themselves). Null times and close while IDLE.
     */
    public record Status(State state, Instant startedAt, int windowSeconds, Close close, int sessionsAtStart,
                         int closed, int remaining) {
    }

    /** A drain that is already running (409 for the admin API). */
    public static final class AlreadyDraining extends IllegalStateException {
        AlreadyDraining() {
            super("A drain is already in progress or finished; cancel it first.");
        }
    }

    private final SessionRegistry sessions;
    private final BiFunction<Runnable, Long, Future<?>> timer;
    private final RandomGenerator random;
    private final Clock clock;
    private final int retryAfterSeconds;

    private final Object lock = new Object();
    /** The current drain, or null when IDLE. Replaced under the lock. */
    private volatile Run run;

    /** A drain on the registry's own timer. */
    public Drain(SessionRegistry sessions, RandomGenerator random, int retryAfterSeconds) {
        this(sessions, sessions::schedule, random, Clock.systemUTC(), retryAfterSeconds);
    }

    /** @param timer runs a task after a delay in milliseconds (the registry's timer; a test's own) */
    Drain(SessionRegistry sessions, BiFunction<Runnable, Long, Future<?>> timer, RandomGenerator random, Clock clock,
          int retryAfterSeconds) {
        this.sessions = sessions;
        this.timer = timer;
        this.random = random;
        this.clock = clock;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** One drain: its plan, its progress, and the timer tasks still to run. */
    private final class Run {
        final Instant startedAt = clock.instant();
        final int windowSeconds;
        final Close toClient;
        final String cause;
        final int sessionsAtStart;
        final AtomicInteger closed = new AtomicInteger();
        final List<Future<?>> tasks = new ArrayList<>();
        volatile boolean finished;
        final CountDownLatch done = new CountDownLatch(1);

        Run(int windowSeconds, Close toClient, String cause, int sessionsAtStart) {
            this.windowSeconds = windowSeconds;
            this.toClient = toClient;
            this.cause = cause;
            this.sessionsAtStart = sessionsAtStart;
        }

        void close(RelaySession s) {
            if (run == this && s.state().relaying()) {
                s.close(cause, toClient, TO_BACKEND);
                closed.incrementAndGet();
            }
        }

        void finish() {
            if (run != this) {
                return;
            }
            sessions.all().forEach(this::close); // latecomers: past the drain check when it started
            finished = true;
            done.countDown();
        }
    }

    /**
     * Starts a drain over {@code windowSeconds} (0: every session at once): readiness DOWN and handshakes refused
     * from now on. Throws {@link AlreadyDraining} unless IDLE.
     */
    public Status start(int windowSeconds, Close toClient, String cause) {
        synchronized (lock) {
            if (run != null) {
                throw new AlreadyDraining();
            }
            List<RelaySession> live = new ArrayList<>(sessions.all().stream().filter(s -> s.state().relaying()).toList());
            for (int i = live.size() - 1; i > 0; i--) { // which session gets which slot: random
                live.set(i, live.set(random.nextInt(i + 1), live.get(i)));
            }
            Run r = new Run(windowSeconds, toClient, cause, live.size());
            run = r;
            long windowMillis = TimeUnit.SECONDS.toMillis(windowSeconds);
            long[] at = spread(live.size(), windowMillis, random);
            Map<Long, List<RelaySession>> batches = new TreeMap<>();
            for (int i = 0; i < at.length; i++) {
                batches.computeIfAbsent(at[i] / BATCH_MILLIS * BATCH_MILLIS, k -> new ArrayList<>()).add(live.get(i));
            }
            batches.forEach((delay, batch) -> r.tasks.add(timer.apply(() -> batch.forEach(r::close), delay)));
            r.tasks.add(timer.apply(r::finish, windowMillis)); // after the last batch: same delay runs in order
            return status();
        }
    }

    /**
     * Ends the drain (DRAINING or DRAINED -> IDLE): closes not yet made are not made, handshakes are accepted
     * again and readiness is UP. Returns the status as it was when cancelled (IDLE if there was none).
     */
    public Status cancel() {
        synchronized (lock) {
            Run r = run;
            if (r == null) {
                return status();
            }
            Status last = status();
            run = null;
            r.tasks.forEach(t -> t.cancel(false));
            r.done.countDown();
            return last;
        }
    }

    public Status status() {
        Run r = run;
        int remaining = (int) sessions.all().stream().filter(s -> s.state().relaying()).count();
        if (r == null) {
            return new Status(State.IDLE, null, 0, null, 0, 0, remaining);
        }
        return new Status(r.finished ? State.DRAINED : State.DRAINING, r.startedAt, r.windowSeconds, r.toClient,
                r.sessionsAtStart, r.closed.get(), remaining);
    }

    /** Whether new handshakes are refused (503 with {@link #retryAfterSeconds()}). */
    public boolean refusesHandshakes() {
        return run != null;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * For server shutdown: drains over {@code windowSeconds} (unless a drain is already running: then that one
     * goes on) and waits until it is DRAINED, cancelled, or {@code windowSeconds} and one more have passed.
     */
    public void drainAndWait(int windowSeconds, Close toClient) throws InterruptedException {
        Run r;
        synchronized (lock) {
            if (run == null) {
                start(windowSeconds, toClient, SHUTDOWN_CAUSE);
            }
            r = run;
        }
        r.done.await(TimeUnit.SECONDS.toMillis(windowSeconds) + 1_000, TimeUnit.MILLISECONDS);
    }

    /**
     * When each of {@code n} closes happens, in milliseconds from the start: the window is cut into {@code n}
     * equal slots and each close falls at a uniformly random moment within its own slot, so the closes are
     * spread evenly over the whole window (no two slots empty while another is crowded) and still not on a
     * grid. Ascending; every value in {@code [0, windowMillis)} (all 0 for an empty window).
     */
    static long[] spread(int n, long windowMillis, RandomGenerator random) {
        long[] at = new long[n];
        if (windowMillis <= 0) {
            return at;
        }
        for (int i = 0; i < n; i++) {
            double slotStart = (double) windowMillis * i / n;
            double slotEnd = (double) windowMillis * (i + 1) / n;
            at[i] = Math.min(windowMillis - 1, (long) (slotStart + random.nextDouble() * (slotEnd - slotStart)));
        }
        return at;
    }
}
