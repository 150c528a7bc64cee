package dev.wsgateway.policy.builtin;

/**
 * Names one token bucket: a route, whose traffic it counts (all clients, one client identity, or the
 * clients a full store no longer tracks one by one), and the limits it enforces. The limits are part of the
 * key so that a changed limit starts a fresh bucket instead of inheriting a differently shaped one.
 *
 * @param routeId  the route's id
 * @param identity null for the route-wide bucket; a client identity ({@code key:…}, {@code user:…},
 *                 {@code ip:…}); or {@link #UNTRACKED}
 * @param limits   the limits' canonical form, for example {@code 10/second,1000/day}
 */
public record BucketKey(String routeId, String identity, String limits) {
    /**
     * The identity the clients share whom a full store does not track one by one. Real identities always
     * carry a {@code kind:} prefix, so it cannot collide with one.
     */
    public static final String UNTRACKED = "untracked";

    /** Whether this key counts against the store's cap on tracked identities. */
    public boolean tracksIdentity() {
        return identity != null && !UNTRACKED.equals(identity);
    }

    /** A flat string form, for stores that key by string (JCache, Redis). */
    @Override
    public String toString() {
        return routeId + "|" + (identity == null ? "*route*" : identity) + "|" + limits;
    }
}
