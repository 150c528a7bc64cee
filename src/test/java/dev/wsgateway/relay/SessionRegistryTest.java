package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.relay.RelaySessionTest.FakePeer;
import dev.wsgateway.route.Route;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
    /** Idle timeout 60 s and no keepalive pings: the registry's own sweep leaves these pairs alone. */
    private static final Route ROUTE = new Route("r", "/r", URI.create("ws://127.0.0.1:9/x"), List.of(), 1000, 60, 1024,
            0, true, List.of(), 1);
    private static final Close REVOKED = new Close(CloseCodes.POLICY_VIOLATION, "credential revoked");
    private static final Close REVOKED_TO_BACKEND = new Close(CloseCodes.GOING_AWAY, "client credential revoked");

    private final SessionRegistry registry = new SessionRegistry();

    @AfterEach
    void stop() {
        registry.close();
    }

    private static Credentials user(String subject, Instant expiresAt, boolean enforce) {
        return new Credentials(subject, "jwt", null, subject, "jti-" + subject, expiresAt, enforce, Map.of());
    }

    private record Pair(RelaySession session, FakePeer client, FakePeer backend, boolean backendAttached) {
        /** Both sides report their close, as the containers do. */
        void bothEnd() {
            session.sideEnded(Side.CLIENT, CloseCodes.POLICY_VIOLATION, "");
            session.sideEnded(Side.BACKEND, CloseCodes.GOING_AWAY, "");
        }
    }

    private Pair open(Credentials credentials, List<Runnable> onEnd) {
        RelaySession s = registry.open(ROUTE, "192.0.2.1", credentials, onEnd);
        FakePeer client = new FakePeer("client");
        FakePeer backend = new FakePeer("backend");
        boolean attached = s.backendOpened(backend, null);
        s.clientOpened(client);
        return new Pair(s, client, backend, attached);
    }

    @Test
    void anExpiredEnforcedCredentialClosesThePairAtOnce() throws InterruptedException {
        AtomicInteger ended = new AtomicInteger();
        Pair p = open(user("alice", Instant.now().minusSeconds(5), true), List.of(ended::incrementAndGet));

        assertTrue(p.client().awaitFirstEvent(), "the client was closed");
        assertEquals(List.of("close 1008 token expired"), p.client().events());
        if (p.backendAttached()) { // the timer may fire before the backend side attaches: then the edge closes it
            assertTrue(p.backend().awaitFirstEvent());
            assertEquals(List.of("close 1001 client token expired"), p.backend().events());
        }
        assertEquals(RelaySession.State.CLOSING, p.session().state());
        assertEquals(0, ended.get(), "not finished before both sides confirm");

        p.bothEnd();
        assertEquals(1, ended.get());
        assertEquals(0, registry.size());
    }

    @Test
    void aRouteWithAMaximumAgeClosesItsSessionsWith1001AtThatAge() throws InterruptedException {
        Route aged = new Route("aged", "/aged", URI.create("ws://127.0.0.1:9/x"), List.of(), 1000, 60, 1024,
                Route.DEFAULT_MAX_IN_FLIGHT_BYTES, 0, true, List.of(), 1, List.of(), Route.DEFAULT_MAX_BUFFERED_MESSAGE_BYTES, 1);
        try (SessionRegistry withoutJitter = new SessionRegistry(s -> { }, new SessionLifetime(0, new java.util.Random()))) {
            RelaySession s = withoutJitter.open(aged, "192.0.2.1", Credentials.ANONYMOUS, List.of());
            FakePeer client = new FakePeer("client");
            FakePeer backend = new FakePeer("backend");
            s.backendOpened(backend, null);
            s.clientOpened(client);
            long opened = System.nanoTime();

            assertTrue(client.awaitFirstEvent(), "the client was closed");
            long tookMillis = (System.nanoTime() - opened) / 1_000_000;
            assertEquals(List.of("close 1001 session reached its maximum age"), client.events());
            assertTrue(backend.awaitFirstEvent(), "the backend was closed");
            assertEquals(List.of("close 1001 session reached its maximum age"), backend.events());
            assertTrue(tookMillis >= 900, "not before its age: " + tookMillis + " ms");
            s.sideEnded(Side.CLIENT, CloseCodes.GOING_AWAY, "");
            s.sideEnded(Side.BACKEND, CloseCodes.GOING_AWAY, "");
            assertEquals(new RelaySession.Ending("gateway", 1001, "max_age"), s.ending());
        }
    }

    @Test
    void anUnenforcedOrAbsentExpiryClosesNothing() throws InterruptedException {
        Pair notEnforced = open(user("bob", Instant.now().minusSeconds(5), false), List.of());
        Pair anonymous = open(Credentials.ANONYMOUS, List.of());
        // Expiry closes run on one timer thread in the order they were scheduled: once this later one has
        // fired, one the pairs above had scheduled would have fired too.
        Pair marker = open(user("carol", Instant.now().minusSeconds(5), true), List.of());
        assertTrue(marker.client().awaitFirstEvent());

        assertEquals(List.of(), notEnforced.client().events());
        assertEquals(List.of(), anonymous.client().events());
        assertEquals(RelaySession.State.OPEN, notEnforced.session().state());
        assertEquals(RelaySession.State.OPEN, anonymous.session().state());
    }

    @Test
    void sessionEndActionsRunOnceWhenThePairFinishes() {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger last = new AtomicInteger();
        Pair p = open(Credentials.ANONYMOUS, List.of(first::incrementAndGet, () -> {
            throw new IllegalStateException("a failing release must not stop the others");
        }, last::incrementAndGet));
        assertEquals(1, registry.size());

        p.session().sideEnded(Side.CLIENT, 1000, "bye");
        assertEquals(0, first.get(), "one side is not the end of the pair");
        p.session().sideEnded(Side.BACKEND, 1000, "bye");
        assertEquals(1, first.get());
        assertEquals(1, last.get());
        assertEquals(0, registry.size());

        p.session().finishNow();
        p.session().sideEnded(Side.CLIENT, 1000, "again");
        p.session().close(REVOKED, REVOKED_TO_BACKEND);
        assertEquals(1, first.get());
        assertEquals(1, last.get());
    }

    @Test
    void sessionEndActionsRunWhenAPairIsGivenUp() {
        AtomicInteger ended = new AtomicInteger();
        RelaySession s = registry.open(ROUTE, "192.0.2.1", Credentials.ANONYMOUS, List.of(ended::incrementAndGet));
        s.finishNow();
        s.finishNow();
        assertEquals(1, ended.get());
        assertEquals(0, registry.size());
    }

    @Test
    void closeMatchingClosesOnlyMatchingLivePairs() {
        Pair alice = open(user("alice", null, false), List.of());
        RelaySession aliceConnecting = registry.open(ROUTE, "192.0.2.2", user("alice", null, false), List.of());
        Pair bob = open(user("bob", null, false), List.of());
        Pair aliceClosing = open(user("alice", null, false), List.of());
        aliceClosing.session().close(new Close(1001, "earlier"), new Close(1001, "earlier"));

        int closed = registry.closeMatching(c -> "alice".equals(c.subject()), REVOKED, REVOKED_TO_BACKEND);

        assertEquals(2, closed);
        assertEquals(List.of("close 1008 credential revoked"), alice.client().events());
        assertEquals(List.of("close 1001 client credential revoked"), alice.backend().events());
        assertEquals(RelaySession.State.CLOSING, aliceConnecting.state());
        assertEquals(List.of(), bob.client().events());
        assertEquals(List.of(), bob.backend().events());
        assertEquals(RelaySession.State.OPEN, bob.session().state());
        assertEquals(List.of("close 1001 earlier"), aliceClosing.client().events(), "not closed twice");

        assertEquals(0, registry.closeMatching(c -> "alice".equals(c.subject()), REVOKED, REVOKED_TO_BACKEND),
                "nothing left to close");
        assertEquals(0, registry.closeMatching(c -> "nobody".equals(c.subject()), REVOKED, REVOKED_TO_BACKEND));
        assertEquals(4, registry.size(), "listed until both sides confirm");
    }

    @Test
    void closeMatchingSeesTheCredentialsTheSessionWasOpenedWith() {
        Credentials key = new Credentials("svc", "apiKey", "key123", null, null, null, false, Map.of());
        Pair p = open(key, List.of());
        assertEquals(key, p.session().credentials());
        assertEquals(1, registry.closeMatching(c -> "key123".equals(c.apiKeyId()), REVOKED, REVOKED_TO_BACKEND));
        assertEquals(List.of("close 1008 credential revoked"), p.client().events());
    }
}
