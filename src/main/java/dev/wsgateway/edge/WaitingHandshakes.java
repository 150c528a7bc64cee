package dev.wsgateway.edge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limit on handshakes waiting for their backend. A waiting handshake holds no thread (the request is in
 * servlet async mode while the backend connects), only its request, its half-open backend connection and a
 * few small objects, so the limit is a memory budget in the thousands. Past it a handshake is refused at once
 * with 503. Each route may use only part of it, so a backend that hangs (every handshake waiting out the
 * route's connect timeout) cannot make every other route refuse.
 */
public final class WaitingHandshakes {
    private final Semaphore permits;
    private final int maxPerRoute;
    private final Map<String, AtomicInteger> waitingByRoute = new ConcurrentHashMap<>();

    public WaitingHandshakes(int maxWaiting, int maxWaitingPerRoute) {
        if (maxWaiting < 1 || maxWaitingPerRoute < 1) {
            throw new IllegalArgumentException("the limits on waiting handshakes must be at least 1, not "
                    + maxWaiting + " and " + maxWaitingPerRoute);
        }
        this.permits = new Semaphore(maxWaiting);
        this.maxPerRoute = maxWaitingPerRoute;
    }

    /** True when this handshake may wait for its backend; then {@link #exit} must follow exactly once. */
    public boolean tryEnter(String routeId) {
        AtomicInteger waiting = waitingByRoute.computeIfAbsent(routeId, id -> new AtomicInteger());
        if (waiting.incrementAndGet() > maxPerRoute) {
            waiting.decrementAndGet();
            return false;
        }
        if (!permits.tryAcquire()) {
            waiting.decrementAndGet();
            return false;
        }
        return true;
    }

    public void exit(String routeId) {
        permits.release();
        waitingByRoute.get(routeId).decrementAndGet();
    }

    /** Handshakes of this route waiting now. */
    public int waiting(String routeId) {
        AtomicInteger waiting = waitingByRoute.get(routeId);
        return waiting == null ? 0 : waiting.get();
    }
}
