package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.relay.RelaySessionTest.FakePeer;
import dev.wsgateway.route.Route;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainTest {
    private static final Route ROUTE = new Route("r", "/r", URI.create("ws://127.0.0.1:9/x"), List.of(), 1000, 60, 1024,
            0, true, List.of(), 1);
    private static final Close RESTART = new Close(1012, "gateway restarting");
    private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");

    private final SessionRegistry registry = new SessionRegistry();
    /** The drain's timer tasks, run by the test in the order of their delays. */
    private final List<Task> tasks = new ArrayList<>();
    private final Drain drain = new Drain(registry, this::schedule, new Random(11), Clock.fixed(NOW, ZoneOffset.UTC), 7);

    private record Task(Runnable run, long delayMillis, CompletableFuture<Void> future) {
    }

    private Future<?> schedule(Runnable run, long delayMillis) {
        Task t = new Task(run, delayMillis, new CompletableFuture<>());
        tasks.add(t);
        return t.future();
    }

    /** Runs the scheduled tasks due up to {@code millis} that were not cancelled, in time order (stable). */
    private void runUntil(long millis) {
        List<Task> due = tasks.stream().filter(t -> t.delayMillis() <= millis && !t.future().isDone())
                .sorted(Comparator.comparingLong(Task::delayMillis)).toList();
        for (Task t : due) {
            t.future().complete(null);
            t.run().run();
        }
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private List<FakePeer> openClients(int n) {
        List<FakePeer> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RelaySession s = registry.open(ROUTE, "192.0.2.1");
            FakePeer client = new FakePeer("client" + i);
            s.backendOpened(new FakePeer("backend" + i), null);
            s.clientOpened(client);
            clients.add(client);
        }
        return clients;
    }

    private static long closedCount(List<FakePeer> clients) {
        return clients.stream().filter(c -> !c.closes().isEmpty()).count();
    }

    // ---- the spread -------------------------------------------------------------------------------

    @Test
    void eachCloseFallsInItsOwnSlotOfTheWindow() {
        long window = 30_000;
        int n = 250;
        long[] at = Drain.spread(n, window, new Random(3));

        for (int i = 0; i < n; i++) {
            long slotStart = window * i / n;
            long slotEnd = window * (i + 1) / n;
            assertTrue(at[i] >= slotStart && at[i] <= slotEnd && at[i] < window,
                    "close " + i + " at " + at[i] + " outside its slot [" + slotStart + ", " + slotEnd + ")");
        }
        assertTrue(at[n - 1] - at[0] > window * (n - 2) / n, "the closes cover the window");
    }

    @Test
    void theSpreadIsNotAGrid() {
        long[] a = Drain.spread(10, 10_000, new Random(1));
        long[] b = Drain.spread(10, 10_000, new Random(2));
        assertFalse(java.util.Arrays.equals(a, b), "two drains pick different moments");
    }

    @Test
    void anEmptyWindowClosesEverySessionAtOnce() {
        assertEquals(List.of(0L, 0L, 0L), java.util.Arrays.stream(Drain.spread(3, 0, new Random(1))).boxed().toList());
    }

    // ---- the state machine ------------------------------------------------------------------------

    @Test
    void anIdleDrainRefusesNothingAndReportsIdle() {
        Drain.Status status = drain.status();

        assertEquals(Drain.State.IDLE, status.state());
        assertNull(status.startedAt());
        assertFalse(drain.refusesHandshakes());
        assertEquals(7, drain.retryAfterSeconds());
    }

    @Test
    void aDrainClosesEveryLiveSessionWithItsCodeSpreadOverTheWindowThenIsDrained() {
        List<FakePeer> clients = openClients(20);

        Drain.Status started = drain.start(10, RESTART, Drain.CAUSE);
        assertEquals(Drain.State.DRAINING, started.state());
        assertEquals(NOW, started.startedAt());
        assertEquals(20, started.sessionsAtStart());
        assertEquals(20, started.remaining());
        assertEquals(0, started.closed());
        assertTrue(drain.refusesHandshakes());

        runUntil(4_999);
        long firstHalf = closedCount(clients);
        assertTrue(firstHalf >= 8 && firstHalf <= 12, "about half closed in the first half: " + firstHalf);
        assertEquals(Drain.State.DRAINING, drain.status().state());
        assertEquals(firstHalf, drain.status().closed());
        assertEquals(20 - firstHalf, drain.status().remaining());

        runUntil(10_000);
        Drain.Status drained = drain.status();
        assertEquals(Drain.State.DRAINED, drained.state());
        assertEquals(20, drained.closed());
        assertEquals(0, drained.remaining());
        assertTrue(drain.refusesHandshakes(), "a drained instance still refuses handshakes until cancelled");
        clients.forEach(c -> assertEquals(List.of("close 1012 gateway restarting"), c.closes()));
    }

    @Test
    void closesGoOutInBatchesNotOneTaskPerSession() {
        openClients(200);

        drain.start(2, RESTART, Drain.CAUSE);

        assertTrue(tasks.size() <= 2_000 / Drain.BATCH_MILLIS + 1, "batches: " + tasks.size());
        assertTrue(tasks.size() > 10, "spread over many moments: " + tasks.size());
        assertTrue(tasks.stream().allMatch(t -> t.delayMillis() % Drain.BATCH_MILLIS == 0));
    }

    @Test
    void aSecondDrainIsRefusedWhileOneRunsOrHasFinished() {
        drain.start(5, RESTART, Drain.CAUSE);
        assertThrows(Drain.AlreadyDraining.class, () -> drain.start(5, RESTART, Drain.CAUSE));

        runUntil(5_000);
        assertEquals(Drain.State.DRAINED, drain.status().state());
        assertThrows(Drain.AlreadyDraining.class, () -> drain.start(5, RESTART, Drain.CAUSE));
    }

    @Test
    void cancellingStopsTheClosesNotYetMadeAndAcceptsHandshakesAgain() {
        List<FakePeer> clients = openClients(10);
        drain.start(10, RESTART, Drain.CAUSE);
        runUntil(3_000);
        long closedBefore = closedCount(clients);

        Drain.Status last = drain.cancel();
        runUntil(10_000);

        assertEquals(Drain.State.DRAINING, last.state(), "the status as it was when cancelled");
        assertEquals(closedBefore, last.closed());
        assertEquals(Drain.State.IDLE, drain.status().state());
        assertFalse(drain.refusesHandshakes());
        assertEquals(closedBefore, closedCount(clients), "no close after the cancel");
        assertEquals(10 - closedBefore, drain.status().remaining());
        assertTrue(tasks.stream().filter(t -> t.delayMillis() > 3_000).allMatch(t -> t.future().isCancelled()));
    }

    @Test
    void aCancelledDrainCanBeStartedAgain() {
        openClients(3);
        drain.start(10, RESTART, Drain.CAUSE);
        drain.cancel();

        Drain.Status again = drain.start(1, new Close(1001, "moving"), Drain.CAUSE);

        assertEquals(Drain.State.DRAINING, again.state());
        assertEquals(3, again.sessionsAtStart());
    }

    @Test
    void cancellingAnIdleDrainChangesNothing() {
        assertEquals(Drain.State.IDLE, drain.cancel().state());
        assertFalse(drain.refusesHandshakes());
    }

    @Test
    void sessionsThatSlippedPastTheCheckAreClosedAtTheWindowsEnd() {
        drain.start(2, RESTART, Drain.CAUSE);
        List<FakePeer> late = openClients(2); // handshakes already past the drain check when it started

        runUntil(2_000);

        assertEquals(2, closedCount(late));
        assertEquals(Drain.State.DRAINED, drain.status().state());
    }

    @Test
    void aDrainedSessionEndsWithTheDrainCause() {
        RelaySession s = registry.open(ROUTE, "192.0.2.1");
        s.backendOpened(new FakePeer("backend"), null);
        s.clientOpened(new FakePeer("client"));
        drain.start(0, RESTART, Drain.CAUSE);
        runUntil(0);

        assertEquals(new RelaySession.Ending("gateway", 1012, "drain"), s.ending());
    }
}
