package dev.wsgateway.store.pg;

import dev.wsgateway.identity.Secrets;
import dev.wsgateway.policy.builtin.ConnectionCaps;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connection caps counted across instances: a slot is a row of {@code gw_slot}, owned by this instance.
 * Taking one counts the slots of live instances under a transaction-scoped advisory lock on the (route,
 * identity) pair, so two instances never both take the last one. Slots of an instance that stopped beating
 * are not counted, and are deleted with its registry row.
 *
 * <p>This instance remembers its slots: a release the database did not take (it was unreachable) is retried
 * by the heartbeat, and when the registry had dropped this instance (a long outage), its live slots are
 * written again once it re-registers.
 */
public final class PgConnectionSlots implements ConnectionCaps {
    private static final Logger LOG = Logger.getLogger(PgConnectionSlots.class.getName());
    private static final String ROUTE_WIDE = "";
    private final PgCluster cluster;
    private final Map<String, String[]> held = new ConcurrentHashMap<>();
    private final Map<String, Boolean> pendingRelease = new ConcurrentHashMap<>();

    public PgConnectionSlots(PgCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Slot tryAcquire(String routeId, String identity, int max) {
        String who = identity == null ? ROUTE_WIDE : identity;
        String slotId = Secrets.id(16);
        boolean taken = cluster.inTransaction("take a connection slot", false, c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 7))")) {
                lock.setString(1, routeId + "|" + who);
                lock.execute();
            }
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM gw_slot s JOIN gw_instance i "
                    + "ON i.id = s.instance WHERE s.route = ? AND s.identity = ? "
                    + "AND i.last_seen >= now() - ? * interval '1 millisecond'")) {
                count.setString(1, routeId);
                count.setString(2, who);
                count.setLong(3, cluster.settings().deadAfter().toMillis());
                try (ResultSet r = count.executeQuery()) {
                    r.next();
                    if (r.getLong(1) >= max) {
                        return false;
                    }
                }
            }
            insert(c, slotId, routeId, who);
            return true;
        });
        if (!taken) {
            return null;
        }
        held.put(slotId, new String[] {routeId, who});
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                held.remove(slotId);
                pendingRelease.put(slotId, Boolean.TRUE);
                flushReleases();
            }
        };
    }

    private void insert(java.sql.Connection c, String slotId, String routeId, String who) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO gw_slot (instance, slot_id, route, identity) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, cluster.instanceId());
            s.setString(2, slotId);
            s.setString(3, routeId);
            s.setString(4, who);
            s.executeUpdate();
        }
    }

    /** Deletes the slots given back; those the database did not take stay pending for the next call. */
    public void flushReleases() {
        if (pendingRelease.isEmpty()) {
            return;
        }
        String[] ids = pendingRelease.keySet().toArray(String[]::new);
        try {
            cluster.inTransaction("give back connection slots", false, c -> {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM gw_slot WHERE instance = ? AND slot_id = ANY (?)")) {
                    s.setString(1, cluster.instanceId());
                    s.setArray(2, c.createArrayOf("text", ids));
                    return s.executeUpdate();
                }
            });
            for (String id : ids) {
                pendingRelease.remove(id);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "ws-gateway cluster: slots are given back once the database answers", e);
        }
    }

    /** Writes this instance's live slots again (after the registry dropped it and it registered anew). */
    public void rewrite() {
        Map<String, String[]> now = Map.copyOf(held);
        cluster.inTransaction("write connection slots again", false, c -> {
            for (Map.Entry<String, String[]> e : now.entrySet()) {
                insert(c, e.getKey(), e.getValue()[0], e.getValue()[1]);
            }
            return null;
        });
    }

    /** How many slots this instance holds. */
    public int held() {
        return held.size();
    }
}
