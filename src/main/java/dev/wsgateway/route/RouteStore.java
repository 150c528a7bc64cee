package dev.wsgateway.route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The routes, durable in a {@link RouteFile}. Writes are serialised and persisted before they take
 * effect; reads see an immutable snapshot, so new connections pick up a change as soon as it is saved.
 */
public final class RouteStore {
    private final RouteFile file;
    private final RouteDefaults defaults;
    private final Supplier<List<RouteDefinition>> seeds;
    private final Object writeLock = new Object();
    private volatile Snapshot snapshot;

    private record Snapshot(Map<String, StoredRoute> byId, RouteTable table) {
    }

    public RouteStore(RouteFile file, RouteDefaults defaults, Supplier<List<RouteDefinition>> seeds) {
        this.file = file;
        this.defaults = defaults;
        this.seeds = seeds;
    }

    /** Loads the store; when none was ever written, writes the seed routes as its first content. */
    public void load() throws IOException {
        synchronized (writeLock) {
            Optional<List<StoredRoute>> stored = file.load();
            List<StoredRoute> routes;
            if (stored.isPresent()) {
                routes = stored.get();
            } else {
                routes = new ArrayList<>();
                for (RouteDefinition seed : seeds.get()) {
                    routes.add(new StoredRoute(seed, 1));
                }
                checkUnique(routes);
                file.save(routes);
            }
            publish(routes);
        }
    }

    public boolean isLoaded() {
        return snapshot != null;
    }

    public RouteTable table() {
        return current().table();
    }

    public List<StoredRoute> list() {
        return current().byId().values().stream()
                .sorted(Comparator.comparing(r -> r.definition().id()))
                .toList();
    }

    /** The effective route (defaults applied) with this id. */
    public Optional<Route> route(String id) {
        return get(id).map(stored -> stored.definition().compile(stored.version(), defaults));
    }

    public Optional<StoredRoute> get(String id) {
        return Optional.ofNullable(current().byId().get(id));
    }

    public StoredRoute create(RouteDefinition definition) {
        synchronized (writeLock) {
            Map<String, StoredRoute> routes = new LinkedHashMap<>(current().byId());
            if (routes.containsKey(definition.id())) {
                throw new RouteConflictException("a route with id '" + definition.id() + "' exists");
            }
            StoredRoute created = new StoredRoute(definition, 1);
            routes.put(definition.id(), created);
            commit(routes);
            return created;
        }
    }

    /** Replaces a route; {@code expectedVersion} null means unconditional. */
    public StoredRoute update(String id, RouteDefinition definition, Long expectedVersion) {
        synchronized (writeLock) {
            Map<String, StoredRoute> routes = new LinkedHashMap<>(current().byId());
            StoredRoute existing = existing(routes, id, expectedVersion);
            StoredRoute updated = new StoredRoute(definition, existing.version() + 1);
            routes.put(id, updated);
            commit(routes);
            return updated;
        }
    }

    public void delete(String id, Long expectedVersion) {
        synchronized (writeLock) {
            Map<String, StoredRoute> routes = new LinkedHashMap<>(current().byId());
            existing(routes, id, expectedVersion);
            routes.remove(id);
            commit(routes);
        }
    }

    private static StoredRoute existing(Map<String, StoredRoute> routes, String id, Long expectedVersion) {
        StoredRoute existing = routes.get(id);
        if (existing == null) {
            throw new RouteNotFoundException(id);
        }
        if (expectedVersion != null && expectedVersion != existing.version()) {
            throw new StaleRouteVersionException(id, existing.version());
        }
        return existing;
    }

    private void commit(Map<String, StoredRoute> routes) {
        List<StoredRoute> list = List.copyOf(routes.values());
        checkUnique(list);
        try {
            file.save(list);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the route store", e);
        }
        publish(list);
    }

    private static void checkUnique(List<StoredRoute> routes) {
        Map<String, String> idByPath = new LinkedHashMap<>();
        for (StoredRoute r : routes) {
            String other = idByPath.putIfAbsent(r.definition().path(), r.definition().id());
            if (other != null) {
                throw new RouteConflictException("path '" + r.definition().path() + "' is already used by route '"
                        + other + "'");
            }
        }
    }

    private void publish(List<StoredRoute> routes) {
        Map<String, StoredRoute> byId = new LinkedHashMap<>();
        List<Route> compiled = new ArrayList<>();
        for (StoredRoute r : routes) {
            byId.put(r.definition().id(), r);
            compiled.add(r.definition().compile(r.version(), defaults));
        }
        snapshot = new Snapshot(Map.copyOf(byId), new RouteTable(compiled));
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (s == null) {
            throw new IllegalStateException("the route store is not loaded");
        }
        return s;
    }
}
