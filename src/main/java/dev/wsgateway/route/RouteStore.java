package dev.wsgateway.route;

import dev.wsgateway.store.RecordBackend;
import dev.wsgateway.store.SnapshotStore;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The routes, durable in a {@link RecordBackend} ({@link RouteFile}, or the cluster's database). Writes are
 * serialised and persisted before they take effect; reads see an immutable snapshot (the routes and their
 * compiled table), so new connections pick up a change as soon as it is saved, here or on another instance.
 */
public final class RouteStore {
    private final SnapshotStore<StoredRoute, RouteTable> store;
    private final Supplier<List<RouteDefinition>> seeds;
    private final RouteDefaults defaults;
    private final TrustContexts trust = new TrustContexts();

    public RouteStore(RecordBackend backend, RouteDefaults defaults, Supplier<List<RouteDefinition>> seeds) {
        this.defaults = defaults;
        this.seeds = seeds;
        this.store = new SnapshotStore<>("the route store", backend,
                new SnapshotStore.Codec<>() {
                    @Override
                    public jakarta.json.JsonObject toJson(StoredRoute r) {
                        return r.toJson();
                    }

                    @Override
                    public StoredRoute fromJson(jakarta.json.JsonObject json) {
                        return StoredRoute.fromJson(json);
                    }
                },
                this::table);
    }

    /** Compiles a snapshot's routes; routes whose trust did not change keep its TLS context (and sessions). */
    private RouteTable table(Map<String, StoredRoute> routes) {
        RouteTable table = new RouteTable(routes.values().stream()
                .map(r -> r.definition().compile(r.version(), defaults, trust::get)).toList());
        trust.retain(routes.values().stream().map(r -> r.definition().backendTls()).filter(Objects::nonNull).toList());
        return table;
    }

    /** The store underneath, for its change feed and for a cluster's refresh. */
    public SnapshotStore<StoredRoute, RouteTable> records() {
        return store;
    }

    /** Loads the store; when none was ever written, writes the seed routes as its first content. */
    public void load() throws IOException {
        store.load(() -> {
            Map<String, StoredRoute> routes = new LinkedHashMap<>();
            for (RouteDefinition seed : seeds.get()) {
                routes.put(seed.id(), new StoredRoute(seed, 1));
            }
            checkUnique(routes.values());
            return routes;
        });
    }

    public boolean isLoaded() {
        return store.isLoaded();
    }

    public RouteTable table() {
        return store.view();
    }

    public List<StoredRoute> list() {
        return store.records().values().stream()
                .sorted(Comparator.comparing(r -> r.definition().id()))
                .toList();
    }

    /** The effective route (defaults applied) with this id. */
    public Optional<Route> route(String id) {
        return get(id).map(stored -> stored.definition().compile(stored.version(), defaults, trust::get));
    }

    public Optional<StoredRoute> get(String id) {
        return Optional.ofNullable(store.records().get(id));
    }

    public StoredRoute create(RouteDefinition definition) {
        return store.update(routes -> {
            if (routes.containsKey(definition.id())) {
                throw new RouteConflictException("a route with id '" + definition.id() + "' exists");
            }
            StoredRoute created = new StoredRoute(definition, 1);
            routes.put(definition.id(), created);
            checkUnique(routes.values());
            return created;
        });
    }

    /** Replaces a route; {@code expectedVersion} null means unconditional. */
    public StoredRoute update(String id, RouteDefinition definition, Long expectedVersion) {
        return store.update(routes -> {
            StoredRoute existing = existing(routes, id, expectedVersion);
            StoredRoute updated = new StoredRoute(definition, existing.version() + 1);
            routes.put(id, updated);
            checkUnique(routes.values());
            return updated;
        });
    }

    public void delete(String id, Long expectedVersion) {
        store.update(routes -> {
            existing(routes, id, expectedVersion);
            return routes.remove(id);
        });
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

    private static void checkUnique(Iterable<StoredRoute> routes) {
        Map<String, String> idByPath = new LinkedHashMap<>();
        for (StoredRoute r : routes) {
            String other = idByPath.putIfAbsent(r.definition().path(), r.definition().id());
            if (other != null) {
                throw new RouteConflictException("path '" + r.definition().path() + "' is already used by route '"
                        + other + "'");
            }
        }
    }
}
