package dev.wsgateway.upstream;

import jakarta.websocket.Session;

/**
 * What is left of the repairs Tyrus's JDK client transport needed: nothing. The gateway's own transport
 * ({@link dev.wsgateway.upstream.transport.BackendTransport}) sets TCP_NODELAY on every backend socket and its
 * write queue cannot lose a wake-up. Kept only while {@link BackendEndpoint} still calls it; delete both calls
 * and this class together.
 */
final class TyrusSockets {
    private static final Runnable NO_REPAIR = () -> { };

    private TyrusSockets() {
    }

    /** The transport already set TCP_NODELAY. */
    static boolean noDelay(Session session) {
        return true;
    }

    /** Nothing to repair. */
    static Runnable writeQueueRepair(Session session) {
        return NO_REPAIR;
    }
}
