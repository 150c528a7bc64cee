package dev.wsgateway.identity;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.store.FileRecords;
import dev.wsgateway.store.JsonFile;
import dev.wsgateway.store.RecordBackend;
import dev.wsgateway.store.SnapshotStore;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The users the Basic policy accepts, managed through the admin API (no redeploy) and durable in
 * {@code basic-users.json} (or the cluster's database): PBKDF2-HMAC-SHA256 hashes with a per-user salt, never the password.
 * A correct password is remembered (as a salted SHA-256, in memory) so repeated handshakes of one client
 * do not pay the deliberately slow hash each time; changing or removing the user forgets it.
 */
public final class BasicUserStore {
    static final int ITERATIONS = 120_000;
    private static final int HASH_BITS = 256;
    private final SnapshotStore<BasicUser, Void> store;
    private final Clock clock;
    private final Map<String, String> verified = new ConcurrentHashMap<>();
    private final byte[] cacheSalt = Secrets.salt();

    public record BasicUser(String name, List<String> routes, Instant updatedAt, String salt, int iterations,
                            String hash) {
        public BasicUser {
            routes = List.copyOf(routes);
        }

        public boolean allowsRoute(String routeId) {
            return routes.isEmpty() || routes.contains(routeId);
        }

        public JsonObject toPublicJson() {
            return JSON.createObjectBuilder().add("name", name).add("routes", JSON.createArrayBuilder(routes))
                    .add("updatedAt", updatedAt.toString()).build();
        }

        JsonObject toStoredJson() {
            return JSON.createObjectBuilder(toPublicJson()).add("salt", salt).add("iterations", iterations)
                    .add("hash", hash).build();
        }

        static BasicUser fromStoredJson(JsonObject o) {
            return new BasicUser(o.getString("name"), o.getJsonArray("routes").getValuesAs(JsonString::getString),
                    Instant.parse(o.getString("updatedAt")), o.getString("salt"), o.getInt("iterations"),
                    o.getString("hash"));
        }
    }

    public BasicUserStore(Path dataDir, Clock clock) {
        this(new FileRecords(new JsonFile(dataDir.resolve("basic-users.json"), 1), "users", "name"), clock);
    }

    public BasicUserStore(RecordBackend backend, Clock clock) {
        this.store = new SnapshotStore<>("the Basic user store", backend, new SnapshotStore.Codec<>() {
            @Override
            public JsonObject toJson(BasicUser user) {
                return user.toStoredJson();
            }

            @Override
            public BasicUser fromJson(JsonObject json) {
                return BasicUser.fromStoredJson(json);
            }
        }, records -> null);
        this.clock = clock;
        // A user changed or removed here or on another instance: its remembered password is forgotten.
        store.onChange((before, after) -> before.forEach((name, was) -> {
            if (!Objects.equals(was, after.get(name))) {
                verified.remove(name);
            }
        }));
    }

    /** The store underneath, for its change feed and for a cluster's refresh. */
    public SnapshotStore<BasicUser, Void> records() {
        return store;
    }

    public void load() throws IOException {
        store.load(null);
        verified.clear();
    }

    /** Creates or replaces a user; true when it was created. */
    public boolean put(String name, char[] password, List<String> routes) {
        byte[] salt = Secrets.salt();
        String hash = pbkdf2(password, salt, ITERATIONS);
        return store.update(users -> {
            boolean created = !users.containsKey(name);
            users.put(name, new BasicUser(name, routes, clock.instant(), Base64.getEncoder().encodeToString(salt),
                    ITERATIONS, hash));
            return created;
        });
    }

    public boolean remove(String name) {
        return store.update(users -> users.remove(name) != null);
    }

    public List<BasicUser> list() {
        List<BasicUser> all = new ArrayList<>(users().values());
        all.sort(Comparator.comparing(BasicUser::name));
        return all;
    }

    public Optional<BasicUser> get(String name) {
        return Optional.ofNullable(users().get(name));
    }

    /** The user, when the password is right. */
    public Optional<BasicUser> verify(String name, String password) {
        BasicUser user = users().get(name);
        if (user == null) {
            // The same work as for a real user, so the response time does not tell which names exist.
            pbkdf2(password.toCharArray(), cacheSalt, ITERATIONS);
            return Optional.empty();
        }
        String remembered = Secrets.sha256Hex(Base64.getEncoder().encodeToString(cacheSalt) + user.hash() + password);
        if (Secrets.sameHex(verified.get(name), remembered)) {
            return Optional.of(user);
        }
        String hash = pbkdf2(password.toCharArray(), Base64.getDecoder().decode(user.salt()), user.iterations());
        if (!MessageDigest.isEqual(hash.getBytes(), user.hash().getBytes())) {
            return Optional.empty();
        }
        if (users().get(name) == user) {
            verified.put(name, remembered);
        }
        return Optional.of(user);
    }

    static String pbkdf2(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
            try {
                return Base64.getEncoder().encodeToString(
                        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded());
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is required of every Java platform", e);
        }
    }

    private Map<String, BasicUser> users() {
        return store.isLoaded() ? store.records() : Map.of();
    }
}
