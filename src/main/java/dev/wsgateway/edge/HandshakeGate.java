package dev.wsgateway.edge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many request threads may wait for a backend at once. The wait is short (the route's connect
 * timeout at most) but it holds a server thread; past the bound a handshake is refused with 503 at once
 * rather than starving the server, and a backend in the same server (the demo echo) can still be served.
 * Each route may use only part of the bound, so one slow backend cannot make every other route refuse.
 */
public final class HandshakeGate {
    private final Semaphore permits;
    private final int maxPerRoute;
    private final Map<String, AtomicInteger> waitingByRoute = new ConcurrentHashMap<>();

    public HandshakeGate(int maxPending, int maxPendingPerRoute) {
        this.permits = new Semaphore(maxPending);
        this.maxPerRoute = maxPendingPerRoute;
    }

    /** True when this handshake may wait for its backend; then {@link #exit} must follow. */
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
}
