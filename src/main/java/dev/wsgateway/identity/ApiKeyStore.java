package dev.wsgateway.identity;

import dev.wsgateway.store.JsonFile;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The gateway's API keys, durable in {@code api-keys.json}. A key reads {@code gwk_<id>_<secret>}: the id
 * finds the record, the secret is checked against its hash in constant time. Revoked keys are kept (so the
 * admin API can show them) and never accepted again.
 */
public final class ApiKeyStore {
    public static final String PREFIX = "gwk_";
    private static final Pattern KEY = Pattern.compile("gwk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})");
    private final JsonFile file;
    private final Clock clock;
    private final Object writeLock = new Object();
    private volatile Map<String, ApiKey> keys = Map.of();
    private final List<Consumer<ApiKey>> revocationListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A created key and its secret, which exists only in this object and in the creation's response. */
    public record Created(ApiKey key, String secret) {
    }

    public ApiKeyStore(Path dataDir, Clock clock) {
        this.file = new JsonFile(dataDir.resolve("api-keys.json"), 1);
        this.clock = clock;
    }

    public void load() throws IOException {
        synchronized (writeLock) {
            Map<String, ApiKey> loaded = new LinkedHashMap<>();
            Optional<JsonObject> root = file.load();
            if (root.isPresent()) {
                for (JsonValue v : root.get().getJsonArray("keys")) {
                    ApiKey key = ApiKey.fromStoredJson(v.asJsonObject());
                    loaded.put(key.id(), key);
                }
            }
            keys = Map.copyOf(loaded);
        }
    }

    /** Called with each key that gets revoked, after the revocation is durable. */
    public void onRevoked(Consumer<ApiKey> listener) {
        revocationListeners.add(listener);
    }

    public Created create(String name, List<String> routes, java.time.Instant expiresAt) {
        synchronized (writeLock) {
            String id;
            do {
                id = Secrets.id(12);
            } while (keys.containsKey(id));
            String secret = PREFIX + id + "_" + Secrets.secret();
            ApiKey key = new ApiKey(id, name, routes, clock.instant(), expiresAt, null, Secrets.sha256Hex(secret));
            Map<String, ApiKey> next = new LinkedHashMap<>(keys);
            next.put(id, key);
            save(next);
            return new Created(key, secret);
        }
    }

    /** Revokes a key; revoking a revoked key changes nothing. Empty when there is no such key. */
    public Optional<ApiKey> revoke(String id) {
        ApiKey revoked;
        synchronized (writeLock) {
            ApiKey key = keys.get(id);
            if (key == null) {
                return Optional.empty();
            }
            if (key.revokedAt() != null) {
                return Optional.of(key);
            }
            revoked = key.revoked(clock.instant());
            Map<String, ApiKey> next = new LinkedHashMap<>(keys);
            next.put(id, revoked);
            save(next);
        }
        revocationListeners.forEach(l -> l.accept(revoked));
        return Optional.of(revoked);
    }

    public List<ApiKey> list() {
        List<ApiKey> all = new ArrayList<>(keys.values());
        all.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
        return all;
    }

    public Optional<ApiKey> get(String id) {
        return Optional.ofNullable(keys.get(id));
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
        ApiKey key = keys.get(m.group(1));
        if (key == null || !Secrets.sameHex(key.secretHash(), Secrets.sha256Hex(presented.trim()))) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    private void save(Map<String, ApiKey> next) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        next.values().forEach(k -> array.add(k.toStoredJson()));
        try {
            file.save(Json.createObjectBuilder().add("keys", array).build());
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the API key store", e);
        }
        keys = Map.copyOf(next);
    }
}
