package dev.wsgateway.identity;

import dev.wsgateway.policy.Revocations;
import dev.wsgateway.store.JsonFile;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Revoked token ids, subjects and API key ids, durable in {@code revocations.json}. Lookups read an
 * immutable snapshot (one set per kind); entries past their {@code expiresAt} are dropped at the next write.
 */
public final class RevocationStore implements Revocations {
    private final JsonFile file;
    private final Clock clock;
    private final Object writeLock = new Object();
    private final List<Consumer<Revocation>> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot = new Snapshot(Map.of());

    private record Snapshot(Map<String, Revocation> byId, Map<Revocation.Kind, Set<String>> values) {
        Snapshot(Map<String, Revocation> byId) {
            this(Map.copyOf(byId), byId.values().stream().collect(Collectors.groupingBy(Revocation::kind,
                    Collectors.mapping(Revocation::value, Collectors.toUnmodifiableSet()))));
        }

        boolean has(Revocation.Kind kind, String value) {
            return value != null && values.getOrDefault(kind, Set.of()).contains(value);
        }
    }

    public RevocationStore(Path dataDir, Clock clock) {
        this.file = new JsonFile(dataDir.resolve("revocations.json"), 1);
        this.clock = clock;
    }

    public void load() throws IOException {
        synchronized (writeLock) {
            Map<String, Revocation> loaded = new LinkedHashMap<>();
            Optional<JsonObject> root = file.load();
            if (root.isPresent()) {
                for (JsonValue v : root.get().getJsonArray("revocations")) {
                    Revocation r = Revocation.fromJson(v.asJsonObject());
                    loaded.put(r.id(), r);
                }
            }
            snapshot = new Snapshot(loaded);
        }
    }

    /** Called with each new revocation once it is durable (to close the live sessions it matches). */
    public void onRevoked(Consumer<Revocation> listener) {
        listeners.add(listener);
    }

    /** Adds a revocation; an identical one already there is returned instead of adding a second. */
    public Revocation revoke(Revocation.Kind kind, String value, Instant expiresAt, String note) {
        Revocation added;
        synchronized (writeLock) {
            Instant now = clock.instant();
            Map<String, Revocation> next = live(now);
            for (Revocation r : next.values()) { // an expired entry is no answer: it is dropped by this very write
                if (r.kind() == kind && r.value().equals(value)) {
                    return r;
                }
            }
            String id;
            do {
                id = Secrets.id(12);
            } while (snapshot.byId().containsKey(id));
            added = new Revocation(id, kind, value, now, expiresAt, note);
            next.put(id, added);
            save(next);
        }
        listeners.forEach(l -> l.accept(added));
        return added;
    }

    /** Lifts a revocation: later handshakes with the credential are accepted again. */
    public boolean lift(String id) {
        synchronized (writeLock) {
            if (!snapshot.byId().containsKey(id)) {
                return false;
            }
            Map<String, Revocation> next = live(clock.instant());
            next.remove(id);
            save(next);
            return true;
        }
    }

    public List<Revocation> list() {
        List<Revocation> all = new ArrayList<>(snapshot.byId().values());
        all.sort(Comparator.comparing(Revocation::createdAt).thenComparing(Revocation::id));
        return all;
    }

    public Optional<Revocation> get(String id) {
        return Optional.ofNullable(snapshot.byId().get(id));
    }

    @Override
    public boolean tokenRevoked(String tokenId) {
        return snapshot.has(Revocation.Kind.TOKEN_ID, tokenId);
    }

    @Override
    public boolean subjectRevoked(String subject) {
        return snapshot.has(Revocation.Kind.SUBJECT, subject);
    }

    @Override
    public boolean apiKeyRevoked(String keyId) {
        return snapshot.has(Revocation.Kind.API_KEY_ID, keyId);
    }

    private Map<String, Revocation> live(Instant now) {
        Map<String, Revocation> live = new LinkedHashMap<>();
        snapshot.byId().values().stream()
                .filter(r -> r.expiresAt() == null || r.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(Revocation::createdAt))
                .forEach(r -> live.put(r.id(), r));
        return live;
    }

    private void save(Map<String, Revocation> next) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        next.values().forEach(r -> array.add(r.toJson()));
        try {
            file.save(Json.createObjectBuilder().add("revocations", array).build());
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the revocation store", e);
        }
        snapshot = new Snapshot(next);
    }
}
