package dev.wsgateway.edge;

import java.util.concurrent.Semaphore;

/**
 * Bounds how many request threads may wait for a backend at once. The wait is short (the route's connect
 * timeout at most) but it holds a server thread; past the bound a handshake is refused with 503 at once
 * rather than starving the server, and the backend in the same server (the demo echo) can still be served.
 */
public final class HandshakeGate {
    private final Semaphore permits;

    public HandshakeGate(int maxPending) {
        this.permits = new Semaphore(maxPending);
    }

    public boolean tryEnter() {
        return permits.tryAcquire();
    }

    public void exit() {
        permits.release();
    }
}
