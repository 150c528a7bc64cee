package dev.wsgateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyStoreTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private ApiKeyStore store() throws IOException {
        ApiKeyStore store = new ApiKeyStore(dir, clock);
        store.load();
        return store;
    }

    private String file() throws IOException {
        return Files.readString(dir.resolve("api-keys.json"));
    }

    @Test
    void createShowsTheKeyOnceAndStoresOnlyItsHash() throws IOException {
        ApiKeyStore store = store();
        ApiKeyStore.Created created = store.create("billing", List.of("chat"), null);

        String secret = created.secret();
        ApiKey key = created.key();
        assertTrue(secret.matches("gwk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}"), secret);
        assertTrue(secret.startsWith("gwk_" + key.id() + "_"));
        assertEquals("billing", key.name());
        assertEquals(List.of("chat"), key.routes());
        assertEquals(T0, key.createdAt());
        assertNull(key.expiresAt());
        assertNull(key.revokedAt());
        assertEquals(Secrets.sha256Hex(secret), key.secretHash());

        String stored = file();
        assertTrue(stored.contains(key.secretHash()), stored);
        assertFalse(stored.contains(secret), "the file holds the key");
        assertFalse(stored.contains(secret.substring(secret.lastIndexOf('_') + 1)), "the file holds the secret part");
        assertFalse(key.toPublicJson().build().toString().contains(key.secretHash()), "the public view has no hash");
        assertFalse(key.toString().contains(secret));
    }

    @Test
    void findsAKeyByItsFullText() throws IOException {
        ApiKeyStore store = store();
        ApiKeyStore.Created a = store.create("a", List.of(), null);
        ApiKeyStore.Created b = store.create("b", List.of(), null);
        assertNotEquals(a.key().id(), b.key().id());
        assertEquals(Optional.of(a.key()), store.find(a.secret()));
        assertEquals(Optional.of(b.key()), store.find(" " + b.secret() + " "));
        assertEquals(List.of(a.key(), b.key()), store.list().stream().sorted(
                java.util.Comparator.comparing(ApiKey::name)).toList());
        assertEquals(Optional.of(a.key()), store.get(a.key().id()));
    }

    @Test
    void findRefusesAWrongSecretForARealId() throws IOException {
        ApiKeyStore store = store();
        ApiKeyStore.Created created = store.create("a", List.of(), null);
        String wrong = ApiKeyStore.PREFIX + created.key().id() + "_" + Secrets.secret();
        assertEquals(Optional.empty(), store.find(wrong));
    }

    @Test
    void findRejectsMalformedKeys() throws IOException {
        ApiKeyStore store = store();
        String secret = store.create("a", List.of(), null).secret();
        String id = secret.substring(4, 16);
        String part = secret.substring(17);
        for (String bad : new String[] {null, "", "   ", "gwk_", secret + "x", secret.substring(0, secret.length() - 1),
                "GWK_" + id + "_" + part, "gwk-" + id + "_" + part, "gwk_" + id.toUpperCase() + "_" + part,
                "gwk_" + id + "x_" + part, "xgwk_" + id + "_" + part, secret + "\n" + secret,
                "gwk_" + id + "_" + part.substring(0, 42) + "!"}) {
            assertEquals(Optional.empty(), store.find(bad), () -> "accepted " + bad);
        }
        assertTrue(store.find(secret).isPresent());
    }

    @Test
    void revokeKeepsTheKeyAndCallsListenersOnce() throws IOException {
        ApiKeyStore store = store();
        ApiKeyStore.Created created = store.create("a", List.of(), null);
        List<ApiKey> heard = new ArrayList<>();
        store.onRevoked(heard::add);

        ApiKey revoked = store.revoke(created.key().id()).orElseThrow();
        assertEquals(T0, revoked.revokedAt());
        assertFalse(revoked.usableAt(T0));
        assertEquals(List.of(revoked), heard);

        assertSame(revoked, store.revoke(created.key().id()).orElseThrow(), "revoking again changes nothing");
        assertEquals(1, heard.size(), "listeners are not called again");
        assertEquals(Optional.empty(), store.revoke("nosuchkey123"));
        assertEquals(1, heard.size());

        assertEquals(Optional.of(revoked), store.find(created.secret()), "found: the caller says it is revoked");
        assertEquals(List.of(revoked), store.list());
    }

    @Test
    void expiry() throws IOException {
        ApiKey key = store().create("a", List.of(), T0.plusSeconds(60)).key();
        assertTrue(key.usableAt(T0.plusSeconds(59)));
        assertFalse(key.usableAt(T0.plusSeconds(60)));
    }

    @Test
    void survivesAReload() throws IOException {
        ApiKeyStore store = store();
        ApiKeyStore.Created kept = store.create("kept", List.of("chat", "news"), T0.plusSeconds(3600));
        ApiKeyStore.Created revoked = store.create("revoked", List.of(), null);
        store.revoke(revoked.key().id());

        ApiKeyStore reloaded = store();
        assertEquals(Optional.of(kept.key()), reloaded.find(kept.secret()));
        ApiKey r = reloaded.find(revoked.secret()).orElseThrow();
        assertEquals(T0, r.revokedAt());
        assertEquals(2, reloaded.list().size());
        assertEquals(store.list(), reloaded.list());
    }

    @Test
    void anEmptyDirectoryHasNoKeys() throws IOException {
        ApiKeyStore store = store();
        assertEquals(List.of(), store.list());
        assertFalse(Files.exists(dir.resolve("api-keys.json")), "nothing is written by loading");
    }

    @Test
    void aCorruptFileFailsTheLoad() throws IOException {
        Files.writeString(dir.resolve("api-keys.json"), "{\"format\": 1, \"keys\": [");
        assertThrows(IOException.class, () -> new ApiKeyStore(dir, clock).load());
        Files.writeString(dir.resolve("api-keys.json"), "{\"format\": 2, \"keys\": []}");
        IOException e = assertThrows(IOException.class, () -> new ApiKeyStore(dir, clock).load());
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains("unsupported store format 2"), e.getMessage());
    }
}
