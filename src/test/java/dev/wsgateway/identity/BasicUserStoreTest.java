package dev.wsgateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.identity.BasicUserStore.BasicUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasicUserStoreTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private BasicUserStore store() throws IOException {
        BasicUserStore store = new BasicUserStore(dir, Clock.fixed(T0, ZoneOffset.UTC));
        store.load();
        return store;
    }

    @Test
    void verifiesTheRightPasswordOnly() throws IOException {
        BasicUserStore store = store();
        assertTrue(store.put("alice", "correct horse".toCharArray(), List.of("chat")));

        BasicUser alice = store.verify("alice", "correct horse").orElseThrow();
        assertEquals("alice", alice.name());
        assertEquals(List.of("chat"), alice.routes());
        assertEquals(T0, alice.updatedAt());
        assertEquals(BasicUserStore.ITERATIONS, alice.iterations());
        assertEquals(Optional.of(alice), store.verify("alice", "correct horse"), "again, remembered");
        assertEquals(Optional.empty(), store.verify("alice", "correct horsE"));
        assertEquals(Optional.empty(), store.verify("alice", ""));
        assertEquals(Optional.empty(), store.verify("bob", "correct horse"));
        assertEquals(Optional.empty(), store.verify("Alice", "correct horse"), "names are case-sensitive");
    }

    @Test
    void changingThePasswordForgetsTheRememberedOne() throws IOException {
        BasicUserStore store = store();
        store.put("alice", "old-password".toCharArray(), List.of());
        assertTrue(store.verify("alice", "old-password").isPresent());
        assertTrue(store.verify("alice", "old-password").isPresent());

        assertFalse(store.put("alice", "new-password".toCharArray(), List.of()), "replaced, not created");
        assertEquals(Optional.empty(), store.verify("alice", "old-password"));
        assertTrue(store.verify("alice", "new-password").isPresent());
    }

    @Test
    void removingAUserRefusesItsPassword() throws IOException {
        BasicUserStore store = store();
        store.put("alice", "pw".toCharArray(), List.of());
        assertTrue(store.verify("alice", "pw").isPresent());
        assertTrue(store.remove("alice"));
        assertFalse(store.remove("alice"));
        assertEquals(Optional.empty(), store.verify("alice", "pw"));
        assertEquals(List.of(), store.list());
    }

    @Test
    void theFileHoldsSaltedHashesNotPasswords() throws IOException {
        BasicUserStore store = store();
        store.put("alice", "s3cr3t-passw0rd".toCharArray(), List.of());
        store.put("bob", "s3cr3t-passw0rd".toCharArray(), List.of());
        String stored = Files.readString(dir.resolve("basic-users.json"));
        assertFalse(stored.contains("s3cr3t-passw0rd"), stored);
        BasicUser alice = store.get("alice").orElseThrow();
        BasicUser bob = store.get("bob").orElseThrow();
        assertTrue(stored.contains(alice.hash()));
        assertFalse(alice.salt().equals(bob.salt()), "a salt per user");
        assertFalse(alice.hash().equals(bob.hash()), "same password, different hashes");
        assertFalse(alice.toPublicJson().toString().contains(alice.hash()));
        assertFalse(alice.toPublicJson().toString().contains(alice.salt()));
    }

    @Test
    void survivesAReload() throws IOException {
        BasicUserStore store = store();
        store.put("alice", "pw-a".toCharArray(), List.of("chat"));
        store.put("bob", "pw-b".toCharArray(), List.of());
        store.remove("bob");

        BasicUserStore reloaded = store();
        assertEquals(List.of("alice"), reloaded.list().stream().map(BasicUser::name).toList());
        assertEquals(List.of("chat"), reloaded.verify("alice", "pw-a").orElseThrow().routes());
        assertEquals(Optional.empty(), reloaded.verify("alice", "pw-b"));
        assertEquals(Optional.empty(), reloaded.verify("bob", "pw-b"));
    }

    @Test
    void listIsSortedByName() throws IOException {
        BasicUserStore store = store();
        store.put("carol", "x".toCharArray(), List.of());
        store.put("alice", "x".toCharArray(), List.of());
        assertEquals(List.of("alice", "carol"), store.list().stream().map(BasicUser::name).toList());
    }
}
