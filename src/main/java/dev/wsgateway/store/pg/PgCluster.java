package dev.wsgateway.store.pg;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.store.RecordBackend;
import dev.wsgateway.store.SnapshotStore;
import dev.wsgateway.store.StoreUnavailableException;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * This instance's membership of a cluster of gateways sharing one PostgreSQL database: the schema (Flyway),
 * the shared collections and their change feed, the instance registry with its heartbeat, and the events
 * (a collection changed, a session is to be closed) that reach every instance.
 *
 * <p>The {@code gw_event} table is the record; {@code NOTIFY ws_gateway} only wakes the listeners. Each
 * instance reads the events after the last one it handled whenever it is woken, and at least every
 * {@code catchUpInterval} (so a missed notification, or a listener that reconnected, costs a little delay,
 * never a lost change); on reconnection it also re-reads every collection.
 *
 * <p>The database being unreachable is a state, not a crash: {@link #unreachableSince()} says since when,
 * what needs the database throws {@link StoreUnavailableException}, and the heartbeat finds out when it is
 * back.
 */
public final class PgCluster implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PgCluster.class.getName());
    static final String CHANNEL = "ws_gateway";
    private static final long SLICE_MILLIS = 250;
    static final String CHANGED = "changed";
    public static final String CLOSE_SESSION = "close-session";

    /** How the cluster's timing is set. */
    public record Settings(Duration heartbeat, Duration deadAfter, Duration catchUpInterval, Duration eventRetention) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2),
                    Duration.ofHours(1));
        }
    }

    private final DataSource dataSource;
    private final AutoCloseable ownedPool;
    private final String instanceId;
    private final Settings settings;
    private final Map<String, SnapshotStore<?, ?>> followed = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, JsonObject>> closeSessionHandlers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private volatile Supplier<JsonArray> localSessions = () -> JsonValue.EMPTY_JSON_ARRAY;
    private volatile Runnable onRegistered = () -> { };
    private final List<Runnable> onHeartbeat = new CopyOnWriteArrayList<>();
    private volatile Instant unreachableSince;
    private volatile String unreachableReason;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean warnedPolling;
    private volatile boolean listeningLogged;
    private final Object eventLock = new Object();
    private long lastEventId;
    private final java.util.LinkedHashSet<Long> recentlyHandled = new java.util.LinkedHashSet<>();
    private Thread listener;

    /**
     * @param ownedPool closed with the cluster when the gateway made the pool itself (null for a DataSource
     *                  the server manages)
     */
    public PgCluster(DataSource dataSource, AutoCloseable ownedPool, String instanceId, Settings settings) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.instanceId = instanceId;
        this.settings = settings;
        this.timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "ws-gateway-cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    public String instanceId() {
        return instanceId;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Settings settings() {
        return settings;
    }

    /** A collection kept in the database. */
    public RecordBackend collection(String name) {
        return new PgRecords(this, name);
    }

    /** Re-reads {@code store} whenever another instance changed collection {@code name}. */
    public void follow(String name, SnapshotStore<?, ?> store) {
        followed.put(name, store);
    }

    /** Closes the local session named by a {@code close-session} event, if it lives here. */
    public void onCloseSession(BiConsumer<String, JsonObject> handler) {
        closeSessionHandlers.add(handler);
    }

    /** What the heartbeat publishes as this instance's sessions. */
    public void publishSessions(Supplier<JsonArray> sessions) {
        this.localSessions = sessions;
    }

    /** Runs after every (re-)registration of this instance, e.g. to write its slots again. */
    public void onRegistered(Runnable action) {
        this.onRegistered = action;
    }

    /** Runs after every heartbeat that reached the database (retries, clean-ups). */
    public void onHeartbeat(Runnable action) {
        onHeartbeat.add(action);
    }

    /**
     * Migrates the schema, registers this instance, starts the heartbeat and the listener. Throws when the
     * database cannot be reached or its schema is newer than this code.
     */
    public synchronized void start() {
        if (started) {
            return;
        }
        PgSchema.migrate(dataSource);
        synchronized (eventLock) {
            lastEventId = inTransaction("read the event log", true, c -> {
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT coalesce(max(id), 0) FROM gw_event")) {
                    r.next();
                    return r.getLong(1);
                }
            });
        }
        heartbeat();
        started = true;
        long beat = settings.heartbeat().toMillis();
        timer.scheduleWithFixedDelay(this::heartbeatQuietly, beat, beat, TimeUnit.MILLISECONDS);
        listener = new Thread(this::listen, "ws-gateway-cluster-listener");
        listener.setDaemon(true);
        listener.start();
    }

    public boolean isStarted() {
        return started;
    }

    /** Since when the database is unreachable, or null while it answers. */
    public Instant unreachableSince() {
        return unreachableSince;
    }

    public String unreachableReason() {
        return unreachableReason;
    }

    // ---- events ----

    /** Records an event for every instance (this one included) and wakes them, in {@code c}'s transaction. */
    void recordEvent(Connection c, String kind, String subject, JsonObject detail) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO gw_event (origin, kind, subject, detail) VALUES (?, ?, ?, ?::jsonb)")) {
            s.setString(1, instanceId);
            s.setString(2, kind);
            s.setString(3, subject);
            s.setString(4, detail == null ? null : detail.toString());
            s.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            s.execute("NOTIFY " + CHANNEL);
        }
    }

    /** Asks every instance to close session {@code id} with {@code detail} ({@code code}, {@code reason}). */
    public void closeSessionEverywhere(String id, JsonObject detail) {
        inTransaction("publish a session close", false, c -> {
            recordEvent(c, CLOSE_SESSION, id, detail);
            return null;
        });
    }

    /**
     * Handles the events recorded since the last one handled here. Event ids come from a sequence and may
     * commit out of order, so a window of recent ids is read again and duplicates are skipped.
     */
    public void catchUp() {
        synchronized (eventLock) {
            List<Object[]> events = inTransaction("read events", true, c -> {
                List<Object[]> found = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("SELECT id, origin, kind, subject, detail::text FROM gw_event "
                        + "WHERE id > ? ORDER BY id")) {
                    s.setLong(1, Math.max(0, lastEventId - 1000));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            found.add(new Object[] {r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
                                    r.getString(5)});
                        }
                    }
                }
                return found;
            });
            java.util.Set<String> changed = new java.util.LinkedHashSet<>();
            for (Object[] e : events) {
                long id = (Long) e[0];
                if (recentlyHandled.contains(id) || id <= lastEventId - 1000) {
                    continue;
                }
                recentlyHandled.add(id);
                if (recentlyHandled.size() > 5000) {
                    recentlyHandled.remove(recentlyHandled.iterator().next());
                }
                lastEventId = Math.max(lastEventId, id);
                if (CHANGED.equals(e[2])) {
                    changed.add((String) e[3]); // a burst of writes to one collection: one read
                } else {
                    handle((String) e[1], (String) e[2], (String) e[3], (String) e[4]);
                }
            }
            changed.forEach(collection -> handle(null, CHANGED, collection, null));
        }
    }

    private void handle(String origin, String kind, String subject, String detail) {
        try {
            if (CHANGED.equals(kind)) {
                SnapshotStore<?, ?> store = followed.get(subject);
                if (store != null && store.isLoaded()) {
                    store.refresh();
                }
            } else if (CLOSE_SESSION.equals(kind)) {
                JsonObject d = JsonValue.EMPTY_JSON_OBJECT;
                if (detail != null) {
                    try (JsonReader reader = JSON.createReader(new StringReader(detail))) {
                        d = reader.readObject();
                    }
                }
                for (BiConsumer<String, JsonObject> h : closeSessionHandlers) {
                    h.accept(subject, d);
                }
            }
        } catch (IOException | RuntimeException ex) {
            LOG.log(Level.WARNING, "ws-gateway cluster: could not handle the event " + kind + " " + subject, ex);
        }
    }

    /** Re-reads every followed collection (after the listener reconnected). */
    private void refreshAll() {
        for (SnapshotStore<?, ?> store : followed.values()) {
            try {
                if (store.isLoaded()) {
                    store.refresh();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "ws-gateway cluster: could not re-read " + store.name(), e);
            }
        }
    }

    /** The listener: one connection with LISTEN; woken by a notification or the catch-up interval. */
    private void listen() {
        long waitMillis = settings.catchUpInterval().toMillis();
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                Notifications pg = notifications(c);
                if (pg != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute("LISTEN " + CHANNEL);
                    }
                }
                reachable();
                refreshAll();
                catchUp();
                long nextCatchUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
                while (!closed) {
                    boolean woken = false;
                    if (pg != null) {
                        // short slices, so that close() never waits long for this thread
                        woken = pg.await((int) Math.min(SLICE_MILLIS, waitMillis));
                        if (c.isClosed()) {
                            throw new SQLException("the listener's connection closed", "08003");
                        }
                    } else {
                        Thread.sleep(Math.min(SLICE_MILLIS, waitMillis)); // no PgConnection: poll the table
                    }
                    if (woken || System.nanoTime() - nextCatchUp >= 0) {
                        if (!woken) {
                            try (Statement s = c.createStatement()) {
                                s.execute("SELECT 1"); // a dead connection shows here, not in getNotifications
                            }
                        }
                        catchUp();
                        nextCatchUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                unreachable(e);
                try {
                    Thread.sleep(Math.min(1000, waitMillis));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits for notifications on a connection that listens. */
    @FunctionalInterface
    private interface Notifications {
        /** True when a notification arrived. */
        boolean await(int millis) throws SQLException;
    }

    /**
     * The driver's notification API on {@code c}. A server-managed DataSource hands out its own wrapper around
     * a driver the server loaded, usually not the WAR's copy, and a wrapper answers {@code unwrap(Connection.class)}
     * with itself (WildFly's IronJacamar does), while unwrapping to a driver interface checks class identity
     * (WildFly, Open Liberty). So after the WAR's own {@code org.postgresql.PGConnection}, the one of the class
     * loader that made a value the driver returned is tried, and {@code getNotifications(int)} is called on what
     * the wrapper unwraps to (a proxy on Liberty). Null when none works: the listener then reads the event table
     * every catch-up interval.
     */
    private Notifications notifications(Connection c) {
        List<Class<?>> candidates = new ArrayList<>();
        candidates.add(org.postgresql.PGConnection.class);
        // A value of a PostgreSQL type comes back as the driver's own PGobject, unwrapped by every server
        // tried (WildFly, Open Liberty, Payara): its class loader is the one the server loaded the driver with.
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT '{}'::jsonb")) {
            Object value = r.next() ? r.getObject(1) : null;
            ClassLoader loader = value == null ? null : value.getClass().getClassLoader();
            if (loader != null) {
                Class<?> found = Class.forName(org.postgresql.PGConnection.class.getName(), false, loader);
                if (!candidates.contains(found)) {
                    candidates.add(found);
                }
            }
        } catch (SQLException | ClassNotFoundException | RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, "ws-gateway cluster: could not find the server's PostgreSQL driver", e);
        }
        for (Class<?> pgConnection : candidates) {
            try {
                if (c.isWrapperFor(pgConnection)) {
                    Object pg = c.unwrap(pgConnection);
                    java.lang.reflect.Method get = pgConnection.getMethod("getNotifications", int.class);
                    if (!listeningLogged) {
                        listeningLogged = true;
                        LOG.info(() -> "ws-gateway cluster: listening on " + CHANNEL + " through "
                                + pg.getClass().getName() + " (from " + c.getClass().getName() + ")");
                    }
                    return millis -> {
                        try {
                            Object got = get.invoke(pg, millis);
                            return got != null && java.lang.reflect.Array.getLength(got) > 0;
                        } catch (ReflectiveOperationException e) {
                            throw e.getCause() instanceof SQLException sql ? sql
                                    : new SQLException("getNotifications failed", "08000", e.getCause());
                        }
                    };
                }
            } catch (SQLException | ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.FINE, "ws-gateway cluster: cannot unwrap to " + pgConnection + " from "
                        + pgConnection.getClassLoader(), e);
            }
        }
        if (!warnedPolling) {
            warnedPolling = true;
            LOG.warning(() -> "ws-gateway cluster: the DataSource's connection (" + c.getClass().getName()
                    + ") does not unwrap to the PostgreSQL driver's PGConnection, so this instance cannot LISTEN; "
                    + "changes of other instances are read every " + settings.catchUpInterval().toMillis()
                    + " ms (docs/cluster.md says how each server lets it unwrap)");
        }
        return null;
    }

    // ---- instance registry ----

    private void heartbeatQuietly() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "ws-gateway cluster: heartbeat failed", e);
        }
    }

    /**
     * Says this instance lives (with its sessions), drops instances silent for longer than {@code deadAfter}
     * (their slots go with them), and prunes old events.
     */
    void heartbeat() {
        JsonArray sessions = localSessions.get();
        boolean registered = inTransaction("heartbeat", false, c -> {
            boolean inserted;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO gw_instance (id, started_at, last_seen, sessions) "
                    + "VALUES (?, now(), now(), ?::jsonb) ON CONFLICT (id) DO UPDATE SET last_seen = now(), "
                    + "sessions = EXCLUDED.sessions RETURNING (xmax = 0)")) {
                s.setString(1, instanceId);
                s.setString(2, sessions.toString());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    inserted = r.getBoolean(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM gw_instance WHERE last_seen < now() - ? * interval '1 millisecond'")) {
                s.setLong(1, settings.deadAfter().toMillis());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM gw_event WHERE at < now() - ? * interval '1 millisecond'")) {
                s.setLong(1, settings.eventRetention().toMillis());
                s.executeUpdate();
            }
            return inserted;
        });
        if (registered) {
            onRegistered.run();
        }
        for (Runnable action : onHeartbeat) {
            action.run();
        }
    }

    /** The live instances (heartbeat within {@code deadAfter}) and the sessions each published. */
    public Map<String, JsonArray> liveInstances() {
        return inTransaction("list instances", true, c -> {
            Map<String, JsonArray> live = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, sessions::text FROM gw_instance "
                    + "WHERE last_seen >= now() - ? * interval '1 millisecond' ORDER BY id")) {
                s.setLong(1, settings.deadAfter().toMillis());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        try (JsonReader reader = JSON.createReader(new StringReader(r.getString(2)))) {
                            live.put(r.getString(1), reader.readArray());
                        }
                    }
                }
            }
            return live;
        });
    }

    // ---- transactions and reachability ----

    /** Work in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction; a database that cannot be reached (or fails) becomes
     * {@link StoreUnavailableException}, and nothing of the work is kept.
     */
    public <T> T inTransaction(String what, boolean readOnly, Work<T> work) {
        boolean[] committing = new boolean[1];
        try {
            return attempt(work, committing);
        } catch (SQLException first) {
            // A pooled connection the database dropped (a restart): once more on a fresh one, unless the
            // failure came with the commit, whose outcome is then unknown.
            if (isConnectionProblem(first) && !committing[0]) {
                try {
                    return attempt(work, committing);
                } catch (SQLException second) {
                    throw unavailable(what, second);
                }
            }
            throw unavailable(what, first);
        }
    }

    private <T> T attempt(Work<T> work, boolean[] committing) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                committing[0] = true;
                c.commit();
                reachable();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                restoreQuietly(c, autoCommit);
            }
        }
    }

    private StoreUnavailableException unavailable(String what, SQLException e) {
        if (isConnectionProblem(e)) {
            unreachable(e);
        }
        return new StoreUnavailableException("the cluster database could not " + what + ": " + e.getMessage(), e);
    }

    static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException || state == null || state.startsWith("08")
                || state.startsWith("57P") || state.startsWith("53");
    }

    void reachable() {
        if (unreachableSince != null) {
            unreachableSince = null;
            unreachableReason = null;
            LOG.info("ws-gateway cluster: the database answers again");
        }
    }

    void unreachable(Exception e) {
        if (unreachableSince == null) {
            unreachableSince = Instant.now();
            unreachableReason = e.getMessage();
            LOG.warning(() -> "ws-gateway cluster: the database is unreachable: " + e.getMessage());
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the transaction with it
        }
    }

    private static void restoreQuietly(Connection c, boolean autoCommit) {
        try {
            c.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
            // a broken connection is discarded by the pool
        }
    }

    /** Stops the heartbeat and the listener without leaving the registry, as a killed process would. */
    void halt() {
        closed = true;
        timer.shutdownNow();
        stopListener();
    }

    private void stopListener() {
        Thread t = listener;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2 * SLICE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the heartbeat and the listener, leaves the registry (freeing this instance's slots). */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        stopListener();
        if (started && unreachableSince == null) {
            // One attempt only: an undeploy during an outage must not wait; the others drop this instance
            // after dead-after-seconds anyway.
            try {
                attempt(c -> {
                    try (PreparedStatement s = c.prepareStatement("DELETE FROM gw_instance WHERE id = ?")) {
                        s.setString(1, instanceId);
                        return s.executeUpdate();
                    }
                }, new boolean[1]);
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.FINE, "ws-gateway cluster: could not leave the registry", e);
            }
        }
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "ws-gateway cluster: closing the pool failed", e);
            }
        }
    }
}
