package dev.wsgateway.identity;

import dev.wsgateway.store.FileRecords;
import dev.wsgateway.store.JsonFile;
import dev.wsgateway.store.RecordBackend;
import dev.wsgateway.store.SnapshotStore;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The gateway's API keys, durable in {@code api-keys.json} (or the cluster's database). A key reads
 * {@code gwk_<id>_<secret>}: the id finds the record, the secret is checked against its hash in constant
 * time. Revoked keys are kept (so the admin API can show them) and never accepted again.
 */
public final class ApiKeyStore {
    public static final String PREFIX = "gwk_";
    private static final Pattern KEY = Pattern.compile("gwk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})");
    private final SnapshotStore<ApiKey, Void> store;
    private final Clock clock;

    /** A created key and its secret, which exists only in this object and in the creation's response. */
    public record Created(ApiKey key, String secret) {
    }

    public ApiKeyStore(Path dataDir, Clock clock) {
        this(new FileRecords(new JsonFile(dataDir.resolve("api-keys.json"), 1), "keys", "id"), clock);
    }

    public ApiKeyStore(RecordBackend backend, Clock clock) {
        this.store = new SnapshotStore<>("the API key store", backend, new SnapshotStore.Codec<>() {
            @Override
            public JsonObject toJson(ApiKey key) {
                return key.toStoredJson();
            }

            @Override
            public ApiKey fromJson(JsonObject json) {
                return ApiKey.fromStoredJson(json);
            }
        }, records -> null);
        this.clock = clock;
    }

    /** The store underneath, for its change feed and for a cluster's refresh. */
    public SnapshotStore<ApiKey, Void> records() {
        return store;
    }

    public void load() throws IOException {
        store.load(null);
    }

    /**
     * Called with each key that gets revoked (or deleted), after that is durable, whether this instance or
     * another one did it.
     */
    public void onRevoked(Consumer<ApiKey> listener) {
        store.onChange((before, after) -> before.forEach((id, was) -> {
            ApiKey now = after.get(id);
            if (was.revokedAt() == null && (now == null || now.revokedAt() != null)) {
                listener.accept(now == null ? was : now);
            }
        }));
    }

    public Created create(String name, List<String> routes, java.time.Instant expiresAt) {
        return store.update(keys -> {
            String id;
            do {
                id = Secrets.id(12);
            } while (keys.containsKey(id));
            String secret = PREFIX + id + "_" + Secrets.secret();
            ApiKey key = new ApiKey(id, name, routes, clock.instant(), expiresAt, null, Secrets.sha256Hex(secret));
            keys.put(id, key);
            return new Created(key, secret);
        });
    }

    /** Revokes a key; revoking a revoked key changes nothing. Empty when there is no such key. */
    public Optional<ApiKey> revoke(String id) {
        return store.update(keys -> {
            ApiKey key = keys.get(id);
            if (key == null) {
                return Optional.empty();
            }
            if (key.revokedAt() != null) {
                return Optional.of(key);
            }
            ApiKey revoked = key.revoked(clock.instant());
            keys.put(id, revoked);
            return Optional.of(revoked);
        });
    }

    public List<ApiKey> list() {
        List<ApiKey> all = new ArrayList<>(keys().values());
        all.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
        return all;
    }

    public Optional<ApiKey> get(String id) {
        return Optional.ofNullable(keys().get(id));
    }

    private Map<String, ApiKey> keys() {
        return store.isLoaded() ? store.records() : Map.of();
    }

    /**
     * The key a client presented, if it is one of ours and the secret matches; revocation and expiry are the
     * caller's to check (so it can say which).
     */
    public Optional<ApiKey> find(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        var m = KEY.matcher(presented.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        ApiKey key = keys().get(m.group(1));
        if (key == null || !Secrets.sameHex(key.secretHash(), Secrets.sha256Hex(presented.trim()))) {
            return Optional.empty();
        }
        return Optional.of(key);
    }
}
