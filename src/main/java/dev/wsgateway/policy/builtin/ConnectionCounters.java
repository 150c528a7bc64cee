package dev.wsgateway.policy.builtin;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live sessions per route and per client identity on a route, for the concurrent-connection caps.
 * Thread-safe; a count that drops to zero is removed, so the map holds only keys with live sessions. Counts
 * are kept by route and identity only, not by cap, so a changed cap applies at once to the sessions
 * already open.
 */
public final class ConnectionCounters implements ConnectionCaps {
    private record Key(String routeId, String identity) {
    }

    private final ConcurrentHashMap<Key, Integer> counts = new ConcurrentHashMap<>();

    /** A taken slot. {@link #release()} gives it back once; later calls do nothing. */
    public final class Slot implements ConnectionCaps.Slot {
        private final Key key;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(Key key) {
            this.key = key;
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /**
     * Takes a slot when fewer than {@code max} are taken.
     *
     * @param identity the client identity, or null for the route as a whole
     * @return the slot, or null when all {@code max} are taken
     */
    @Override
    public Slot tryAcquire(String routeId, String identity, int max) {
        Key key = new Key(routeId, identity);
        boolean[] taken = new boolean[1];
        counts.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0] ? new Slot(key) : null;
    }

    /** The slots taken, for the route as a whole when {@code identity} is null. */
    public int count(String routeId, String identity) {
        return counts.getOrDefault(new Key(routeId, identity), 0);
    }

    /** How many counters are kept (routes and identities with live sessions). */
    public int size() {
        return counts.size();
    }
}
