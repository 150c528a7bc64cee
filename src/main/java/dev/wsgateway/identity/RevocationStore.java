package dev.wsgateway.identity;

import dev.wsgateway.policy.Revocations;
import dev.wsgateway.store.FileRecords;
import dev.wsgateway.store.JsonFile;
import dev.wsgateway.store.RecordBackend;
import dev.wsgateway.store.SnapshotStore;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Revoked token ids, subjects and API key ids, durable in {@code revocations.json} (or the cluster's
 * database). Lookups read an immutable snapshot (one set per kind); entries past their {@code expiresAt} are
 * dropped at the next write.
 */
public final class RevocationStore implements Revocations {
    private final SnapshotStore<Revocation, Index> store;
    private final Clock clock;

    /** The revoked values, one set per kind. */
    private record Index(Map<Revocation.Kind, Set<String>> values) {
        static Index of(Map<String, Revocation> byId) {
            return new Index(byId.values().stream().collect(Collectors.groupingBy(Revocation::kind,
                    Collectors.mapping(Revocation::value, Collectors.toUnmodifiableSet()))));
        }

        boolean has(Revocation.Kind kind, String value) {
            return value != null && values.getOrDefault(kind, Set.of()).contains(value);
        }
    }

    public RevocationStore(Path dataDir, Clock clock) {
        this(new FileRecords(new JsonFile(dataDir.resolve("revocations.json"), 1), "revocations", "id"), clock);
    }

    public RevocationStore(RecordBackend backend, Clock clock) {
        this.store = new SnapshotStore<>("the revocation store", backend, new SnapshotStore.Codec<>() {
            @Override
            public JsonObject toJson(Revocation r) {
                return r.toJson().build();
            }

            @Override
            public Revocation fromJson(JsonObject json) {
                return Revocation.fromJson(json);
            }
        }, Index::of);
        this.clock = clock;
    }

    /** The store underneath, for its change feed and for a cluster's refresh. */
    public SnapshotStore<Revocation, ?> records() {
        return store;
    }

    public void load() throws IOException {
        store.load(null);
    }

    /**
     * Called with each new revocation once it is durable, made here or on another instance (to close the live
     * sessions it matches).
     */
    public void onRevoked(Consumer<Revocation> listener) {
        store.onChange((before, after) -> after.forEach((id, r) -> {
            if (!before.containsKey(id)) {
                listener.accept(r);
            }
        }));
    }

    /** Adds a revocation; an identical one already there is returned instead of adding a second. */
    public Revocation revoke(Revocation.Kind kind, String value, Instant expiresAt, String note) {
        return store.update(all -> {
            Instant now = clock.instant();
            dropExpired(all, now);
            for (Revocation r : all.values()) { // an expired entry is no answer: it is dropped by this very write
                if (r.kind() == kind && r.value().equals(value)) {
                    return r;
                }
            }
            String id;
            do {
                id = Secrets.id(12);
            } while (store.records().containsKey(id));
            Revocation added = new Revocation(id, kind, value, now, expiresAt, note);
            all.put(id, added);
            return added;
        });
    }

    /** Lifts a revocation: later handshakes with the credential are accepted again. */
    public boolean lift(String id) {
        return store.update(all -> {
            if (!all.containsKey(id)) {
                return false;
            }
            dropExpired(all, clock.instant());
            all.remove(id);
            return true;
        });
    }

    public List<Revocation> list() {
        List<Revocation> all = new ArrayList<>(byId().values());
        all.sort(Comparator.comparing(Revocation::createdAt).thenComparing(Revocation::id));
        return all;
    }

    public Optional<Revocation> get(String id) {
        return Optional.ofNullable(byId().get(id));
    }

    @Override
    public boolean tokenRevoked(String tokenId) {
        return store.isLoaded() && store.view().has(Revocation.Kind.TOKEN_ID, tokenId);
    }

    @Override
    public boolean subjectRevoked(String subject) {
        return store.isLoaded() && store.view().has(Revocation.Kind.SUBJECT, subject);
    }

    @Override
    public boolean apiKeyRevoked(String keyId) {
        return store.isLoaded() && store.view().has(Revocation.Kind.API_KEY_ID, keyId);
    }

    private Map<String, Revocation> byId() {
        return store.isLoaded() ? store.records() : Map.of();
    }

    /** Drops expired entries, keeping the others oldest first. */
    private static void dropExpired(Map<String, Revocation> all, Instant now) {
        List<Revocation> live = all.values().stream()
                .filter(r -> r.expiresAt() == null || r.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(Revocation::createdAt))
                .toList();
        all.clear();
        live.forEach(r -> all.put(r.id(), r));
    }
}
