package dev.wsgateway.policy.builtin;

/**
 * Where the rateLimit policy counts live sessions for its caps ({@code maxConnections},
 * {@code maxConnectionsPerIdentity}): {@link ConnectionCounters} in this instance's memory, or a count
 * shared by every instance of a cluster. A shared count that cannot be reached throws
 * {@link dev.wsgateway.store.StoreUnavailableException}.
 */
public interface ConnectionCaps {

    /** A taken slot; {@link #release()} gives it back once, later calls do nothing. */
    interface Slot {
        void release();
    }

    /**
     * Takes a slot when fewer than {@code max} are taken.
     *
     * @param identity the client identity, or null for the route as a whole
     * @return the slot, or null when all {@code max} are taken
     */
    Slot tryAcquire(String routeId, String identity, int max);
}
