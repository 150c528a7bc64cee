package dev.wsgateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.identity.Revocation.Kind;
import dev.wsgateway.policy.Credentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationStoreTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    /** A clock the test moves by hand. */
    private static final class TestClock extends Clock {
        private Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private final TestClock clock = new TestClock();

    @TempDir
    Path dir;

    private RevocationStore store() throws IOException {
        RevocationStore store = new RevocationStore(dir, clock);
        store.load();
        return store;
    }

    private static Credentials credentials(String subject, String tokenId, String apiKeyId) {
        return new Credentials(subject, "jwt", apiKeyId, subject, tokenId, null, false, Map.of());
    }

    @Test
    void nothingIsRevokedAtFirst() throws IOException {
        RevocationStore store = store();
        assertFalse(store.tokenRevoked("t"));
        assertFalse(store.subjectRevoked("s"));
        assertFalse(store.apiKeyRevoked("k"));
        assertFalse(store.tokenRevoked(null));
        assertFalse(store.revoked(Credentials.ANONYMOUS));
        assertEquals(List.of(), store.list());
    }

    @Test
    void revokesEachKindSeparately() throws IOException {
        RevocationStore store = store();
        Revocation token = store.revoke(Kind.TOKEN_ID, "jti-1", null, "stolen laptop");
        assertEquals(Kind.TOKEN_ID, token.kind());
        assertEquals("jti-1", token.value());
        assertEquals(T0, token.createdAt());
        assertEquals("stolen laptop", token.note());
        assertTrue(store.tokenRevoked("jti-1"));
        assertFalse(store.subjectRevoked("jti-1"), "a token id is not a subject");
        assertFalse(store.apiKeyRevoked("jti-1"));

        store.revoke(Kind.SUBJECT, "alice", null, null);
        assertTrue(store.subjectRevoked("alice"));
        assertFalse(store.tokenRevoked("alice"));

        store.revoke(Kind.API_KEY_ID, "key123", null, null);
        assertTrue(store.apiKeyRevoked("key123"));
        assertFalse(store.subjectRevoked("key123"));

        assertEquals(3, store.list().size());
        assertEquals(Optional.of(token), store.get(token.id()));
    }

    @Test
    void revokedCredentials() throws IOException {
        RevocationStore store = store();
        store.revoke(Kind.TOKEN_ID, "jti-1", null, null);
        store.revoke(Kind.SUBJECT, "alice", null, null);
        store.revoke(Kind.API_KEY_ID, "key123", null, null);
        assertTrue(store.revoked(credentials("bob", "jti-1", null)));
        assertTrue(store.revoked(credentials("alice", "jti-2", null)));
        assertTrue(store.revoked(credentials(null, null, "key123")));
        assertFalse(store.revoked(credentials("bob", "jti-2", "key456")));
        assertFalse(store.revoked(Credentials.ANONYMOUS));
    }

    @Test
    void revokingTheSameThingAgainReturnsTheExistingEntry() throws IOException {
        RevocationStore store = store();
        List<Revocation> heard = new ArrayList<>();
        store.onRevoked(heard::add);
        Revocation first = store.revoke(Kind.SUBJECT, "alice", null, "first");
        clock.advance(Duration.ofMinutes(1));
        assertSame(first, store.revoke(Kind.SUBJECT, "alice", null, "second"));
        assertEquals(List.of(first), heard, "listeners hear of a revocation once");
        assertEquals(1, store.list().size());

        Revocation token = store.revoke(Kind.TOKEN_ID, "alice", null, null);
        assertEquals(List.of(first, token), heard, "same value, another kind: a new entry");
    }

    @Test
    void liftingAllowsTheCredentialAgain() throws IOException {
        RevocationStore store = store();
        Revocation r = store.revoke(Kind.SUBJECT, "alice", null, null);
        assertTrue(store.lift(r.id()));
        assertFalse(store.subjectRevoked("alice"));
        assertEquals(Optional.empty(), store.get(r.id()));
        assertFalse(store.lift(r.id()));
        assertFalse(store.lift("nosuch"));
        assertFalse(store().subjectRevoked("alice"), "durably");
    }

    @Test
    void expiredEntriesAreDroppedAtTheNextWrite() throws IOException {
        RevocationStore store = store();
        Revocation shortLived = store.revoke(Kind.TOKEN_ID, "jti-1", T0.plusSeconds(60), null);
        Revocation permanent = store.revoke(Kind.TOKEN_ID, "jti-2", null, null);
        clock.advance(Duration.ofSeconds(60));

        store.revoke(Kind.SUBJECT, "alice", null, null);
        assertEquals(Optional.empty(), store.get(shortLived.id()));
        assertFalse(store.tokenRevoked("jti-1"));
        assertTrue(store.tokenRevoked("jti-2"));
        assertEquals(Optional.of(permanent), store.get(permanent.id()));
        assertFalse(Files.readString(dir.resolve("revocations.json")).contains("jti-1"));
    }

    @Test
    void anExpiredEntryIsNotTheAnswerToANewRevocation() throws IOException {
        RevocationStore store = store();
        List<Revocation> heard = new ArrayList<>();
        store.onRevoked(heard::add);
        store.revoke(Kind.SUBJECT, "alice", T0.plusSeconds(60), "for a minute");
        clock.advance(Duration.ofMinutes(5));

        Revocation again = store.revoke(Kind.SUBJECT, "alice", null, "for good");
        assertNull(again.expiresAt());
        assertEquals("for good", again.note());
        assertEquals(List.of(again), heard.subList(1, heard.size()));

        store.revoke(Kind.TOKEN_ID, "other", null, null); // a write: expired entries go
        assertTrue(store.subjectRevoked("alice"));
        assertTrue(store().subjectRevoked("alice"));
    }

    @Test
    void listenersAreCalledWithEachNewRevocation() throws IOException {
        RevocationStore store = store();
        List<Revocation> a = new ArrayList<>();
        List<Revocation> b = new ArrayList<>();
        store.onRevoked(a::add);
        store.onRevoked(b::add);
        Revocation r1 = store.revoke(Kind.TOKEN_ID, "t1", null, null);
        Revocation r2 = store.revoke(Kind.API_KEY_ID, "k1", null, null);
        store.lift(r1.id());
        assertEquals(List.of(r1, r2), a);
        assertEquals(List.of(r1, r2), b);
    }

    @Test
    void survivesAReload() throws IOException {
        RevocationStore store = store();
        Revocation token = store.revoke(Kind.TOKEN_ID, "jti-1", T0.plusSeconds(3600), "note");
        Revocation subject = store.revoke(Kind.SUBJECT, "alice", null, null);
        Revocation key = store.revoke(Kind.API_KEY_ID, "key123", null, null);

        RevocationStore reloaded = store();
        assertTrue(reloaded.tokenRevoked("jti-1"));
        assertTrue(reloaded.subjectRevoked("alice"));
        assertTrue(reloaded.apiKeyRevoked("key123"));
        assertEquals(java.util.Set.of(token, subject, key), java.util.Set.copyOf(reloaded.list()));
        assertEquals(store.list(), reloaded.list());
    }

    @Test
    void aBrokenFileFailsTheLoad() throws IOException {
        Files.writeString(dir.resolve("revocations.json"), "{\"format\": 1, \"revocations\": [{\"id\": \"x\"}]}");
        assertThrows(Exception.class, () -> new RevocationStore(dir, clock).load(), "an entry without a kind");
        Files.writeString(dir.resolve("revocations.json"), "{\"format\": 1, \"revocations\": [");
        assertThrows(IOException.class, () -> new RevocationStore(dir, clock).load());
    }

    @Test
    void kindsByField() {
        assertEquals(Kind.TOKEN_ID, Kind.ofField("tokenId"));
        assertEquals(Kind.SUBJECT, Kind.ofField("subject"));
        assertEquals(Kind.API_KEY_ID, Kind.ofField("apiKeyId"));
        assertThrows(IllegalArgumentException.class, () -> Kind.ofField("jti"));
    }
}
