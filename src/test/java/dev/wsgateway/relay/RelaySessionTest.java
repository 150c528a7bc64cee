package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.route.Route;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelaySessionTest {
    /**
     * maxMessageBytes 16, idle timeout 60 s, connect timeout 1 s, no keepalive pings from the registry's sweep
     * (the keepalive tests drive {@code keepAlive} themselves, with their own times).
     */
    private static final Route ROUTE = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 1000, 60, 16,
            0, true, List.of(), 1);

    private final FakePeer client = new FakePeer("client");
    private final FakePeer backend = new FakePeer("backend");
    private final AtomicInteger finished = new AtomicInteger();
    private final RelaySession session = new RelaySession("s1", ROUTE, "192.0.2.1", s -> finished.incrementAndGet());
    private SessionRegistry registry;

    @AfterEach
    void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    /**
     * A Peer of our own that records what the relay sends to it. Its sends complete at once, or, while
     * {@link #holdCompletions} is set, only when the test calls {@link #completeHeld()}.
     */
    static final class FakePeer implements Peer {
        final String name;
        private final List<String> events = new ArrayList<>();
        private final List<Sent> held = new ArrayList<>();
        private final CountDownLatch firstEvent = new CountDownLatch(1);
        volatile IOException failSends;
        volatile boolean holdCompletions;
        /** Set by a test: the container has read this side's close and will report it (see Peer#closing). */
        volatile boolean closing;

        FakePeer(String name) {
            this.name = name;
        }

        private synchronized void record(String event) {
            events.add(event);
            firstEvent.countDown();
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }

        List<String> closes() {
            return events().stream().filter(e -> e.startsWith("close ")).toList();
        }

        boolean awaitFirstEvent() throws InterruptedException {
            return firstEvent.await(5, TimeUnit.SECONDS);
        }

        /** Completes the sends held so far, in order. */
        void completeHeld() {
            List<Sent> done;
            synchronized (this) {
                done = List.copyOf(held);
                held.clear();
            }
            done.forEach(s -> s.completed(null));
        }

        private void sent(String event, Sent sent) {
            if (failSends != null) {
                sent.completed(failSends);
                return;
            }
            record(event);
            if (holdCompletions) {
                synchronized (this) {
                    held.add(sent);
                }
            } else {
                sent.completed(null);
            }
        }

        @Override
        public void sendText(String part, boolean last, Sent sent) {
            sent("text " + part + (last ? "" : " …"), sent);
        }

        @Override
        public void sendBinary(ByteBuffer part, boolean last, Sent sent) {
            byte[] bytes = new byte[part.remaining()];
            part.duplicate().get(bytes);
            sent("binary " + new String(bytes, StandardCharsets.UTF_8) + (last ? "" : " …"), sent);
        }

        @Override
        public void sendPing(ByteBuffer applicationData, Sent sent) {
            sent("ping", sent);
        }

        @Override
        public void sendPong(ByteBuffer applicationData, Sent sent) {
            sent("pong " + StandardCharsets.UTF_8.decode(applicationData.duplicate()), sent);
        }

        @Override
        public void close(int code, String reason) {
            record("close " + code + " " + reason);
            if (onClose != null) {
                onClose.accept(code, reason);
            }
        }

        @Override
        public boolean closing() {
            return closing;
        }

        /** Set by a test: what the container does when the gateway closes this side (report it back). */
        volatile java.util.function.BiConsumer<Integer, String> onClose;
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private void openBoth(RelaySession s) {
        assertTrue(s.backendOpened(backend, "chat"));
        s.clientOpened(client);
        assertEquals(RelaySession.State.OPEN, s.state());
    }

    // ---- frames -----------------------------------------------------------------------------------

    @Test
    void relaysFramesBothWaysInOrderOnceBothSidesAreOpen() {
        openBoth(session);

        session.text(Side.CLIENT, "hello", true);
        session.binary(Side.CLIENT, bytes("bin"), true);
        session.text(Side.CLIENT, "frag1", false);
        session.text(Side.CLIENT, "frag2", true);
        session.text(Side.BACKEND, "world", true);
        session.binary(Side.BACKEND, bytes("b1"), false);
        session.binary(Side.BACKEND, bytes("b2"), true);
        session.pong(Side.CLIENT, bytes("beat"));
        session.pong(Side.BACKEND, bytes("tick"));

        assertEquals(List.of("text hello", "binary bin", "text frag1 …", "text frag2", "pong beat"),
                backend.events());
        assertEquals(List.of("text world", "binary b1 …", "binary b2", "pong tick"), client.events());
        assertEquals("chat", session.subprotocol());
    }

    @Test
    void countsFramesMessagesAndBytesPerDirection() {
        openBoth(session);

        session.text(Side.CLIENT, "ab", false);
        session.text(Side.CLIENT, "cé", true); // 3 bytes
        session.binary(Side.BACKEND, bytes("xyz"), true);

        Direction fromClient = session.flowFrom(Side.CLIENT);
        assertEquals(2, fromClient.frames());
        assertEquals(1, fromClient.messages());
        assertEquals(5, fromClient.bytes());
        Direction fromBackend = session.flowFrom(Side.BACKEND);
        assertEquals(1, fromBackend.frames());
        assertEquals(1, fromBackend.messages());
        assertEquals(3, fromBackend.bytes());
    }

    @Test
    void deliversBackendFramesSentBeforeTheClientAttachesOnceItDoes() {
        assertTrue(session.backendOpened(backend, null));

        session.text(Side.BACKEND, "early", true);
        session.binary(Side.BACKEND, bytes("too"), true);

        assertEquals(RelaySession.State.CONNECTING, session.state());
        assertEquals(8, session.flowFrom(Side.BACKEND).inFlightBytes(), "held within the direction's budget");

        session.clientOpened(client);

        assertEquals(List.of("text early", "binary too"), client.events());
        assertEquals(0, session.flowFrom(Side.BACKEND).inFlightBytes());
        assertEquals(List.of(), backend.events());
        assertEquals("", session.subprotocol(), "no negotiated subprotocol reads as empty");
    }

    @Test
    void dropsFramesAfterTheClientClosed() {
        openBoth(session);
        session.sideEnded(Side.CLIENT, 1000, "done");

        session.text(Side.BACKEND, "late", true);
        session.binary(Side.BACKEND, bytes("late"), true);
        session.pong(Side.BACKEND, bytes("late"));
        session.text(Side.CLIENT, "late too", true);

        assertEquals(List.of(), client.events());
        assertEquals(List.of("close 1000 done"), backend.events());
    }

    @Test
    void dropsFramesAfterTheGatewayClosedThePair() {
        openBoth(session);
        session.close(new Close(1001, "to client"), new Close(1001, "to backend"));

        session.text(Side.CLIENT, "late", true);
        session.text(Side.BACKEND, "late", true);

        assertEquals(List.of("close 1001 to client"), client.events());
        assertEquals(List.of("close 1001 to backend"), backend.events());
    }

    // ---- closing ----------------------------------------------------------------------------------

    @Test
    void closesBackendWithSameCodeWhenClientCloses() {
        openBoth(session);

        session.sideEnded(Side.CLIENT, 4999, "bye");

        assertEquals(List.of("close 4999 bye"), backend.events());
        assertEquals(List.of(), client.events(), "the client closed itself; it is not sent a close");
        assertEquals(RelaySession.State.CLIENT_SHUT, session.state());
        assertEquals(0, finished.get(), "not finished until the backend confirms");

        session.sideEnded(Side.BACKEND, 4999, "bye");

        assertEquals(RelaySession.State.CLOSED, session.state());
        assertEquals(1, finished.get());
        assertEquals(List.of(), client.events());
        assertEquals(List.of("close 4999 bye"), backend.events());
    }

    @Test
    void recordsWhoEndedThePairFirstWithTheCodeAndCause() {
        openBoth(session);
        assertTrue(session.opened());
        assertEquals(null, session.ending());

        session.sideEnded(Side.BACKEND, 4001, "backend first");
        session.close("admin", new Close(1008, "x"), new Close(1001, "x"));
        session.sideEnded(Side.CLIENT, 4001, "");

        assertEquals(new RelaySession.Ending("backend", 4001, "backend"), session.ending());
    }

    @Test
    void aGatewayCloseIsRecordedWithItsCause() {
        openBoth(session);

        session.close("idle", new Close(1001, "idle timeout"), new Close(1001, "idle timeout"));

        assertEquals(new RelaySession.Ending("gateway", 1001, "idle"), session.ending());
    }

    @Test
    void aPairGivenUpBeforeTheUpgradeWasNeverOpened() {
        assertTrue(session.backendOpened(backend, null));
        session.finishNow();

        assertFalse(session.opened());
        assertEquals(RelaySession.State.FAILED, session.state());
    }

    @Test
    void runsTheFinishedCallbackExactlyOnceWhateverArrivesLate() {
        openBoth(session);
        session.sideEnded(Side.CLIENT, 1000, "");
        session.sideEnded(Side.BACKEND, 1000, "");

        session.sideEnded(Side.CLIENT, 1000, "");
        session.sideEnded(Side.BACKEND, 1006, "");
        session.sideFailed(Side.BACKEND, new IOException("late"));
        session.finishNow();
        session.close(new Close(1001, "x"), new Close(1001, "x"));

        assertEquals(1, finished.get());
        assertEquals(RelaySession.State.CLOSED, session.state());
        assertEquals(List.of("close 1000 "), backend.events());
        assertEquals(List.of(), client.events());
    }

    @Test
    void ignoresASecondEndOfTheSameSide() {
        openBoth(session);
        session.sideEnded(Side.CLIENT, 4000, "first");
        session.sideEnded(Side.CLIENT, 4001, "second");

        assertEquals(List.of("close 4000 first"), backend.events());
        assertEquals(0, finished.get());
    }

    @Test
    void closesClientWithInternalErrorWhenBackendConnectionIsLost() {
        openBoth(session);

        session.sideEnded(Side.BACKEND, 1006, "");

        assertEquals(List.of("close 1011 backend connection lost"), client.events());
        assertEquals(List.of(), backend.events());
        session.sideEnded(Side.CLIENT, 1011, "backend connection lost");
        assertEquals(1, finished.get());
    }

    @Test
    void closesBackendAsGoingAwayWhenClientConnectionIsLost() {
        openBoth(session);

        session.sideEnded(Side.CLIENT, 1006, "");

        assertEquals(List.of("close 1001 client went away"), backend.events());
    }

    @Test
    void givesTheClientTheBackendsCloseAsSoonAsItAttaches() {
        assertTrue(session.backendOpened(backend, null));

        session.sideEnded(Side.BACKEND, 1006, "");

        assertEquals(RelaySession.State.BACKEND_SHUT, session.state());
        assertEquals(List.of(), client.events());

        session.clientOpened(client);

        assertEquals(List.of("close 1011 backend connection lost"), client.events());
        assertEquals(RelaySession.State.BACKEND_SHUT, session.state());
        session.sideEnded(Side.CLIENT, 1011, "backend connection lost");
        assertEquals(RelaySession.State.CLOSED, session.state());
        assertEquals(1, finished.get());
        assertEquals(List.of(), backend.events());
    }

    @Test
    void passesABackendsNormalCloseToALateClientWithItsReason() {
        assertTrue(session.backendOpened(backend, null));
        session.sideEnded(Side.BACKEND, 4321, "backend says bye");

        session.clientOpened(client);

        assertEquals(List.of("close 4321 backend says bye"), client.events());
    }

    @Test
    void aBackendThatOpensAfterThePairWasGivenUpIsRefused() {
        session.finishNow();

        assertFalse(session.backendOpened(backend, "chat"));
        assertEquals(1, finished.get());
    }

    @Test
    void aBackendThatOpensAfterTheClientWasAbandonedIsRefused() {
        session.clientAbandoned();

        assertFalse(session.backendOpened(backend, "chat"));
    }

    @Test
    void abandoningTheClientTellsTheBackendItWentAway() {
        assertTrue(session.backendOpened(backend, null));

        session.clientAbandoned();

        assertEquals(List.of("close 1001 client went away"), backend.events());
        session.sideEnded(Side.BACKEND, 1001, "client went away");
        assertEquals(RelaySession.State.CLOSED, session.state());
        assertEquals(1, finished.get());
    }

    @Test
    void closesAClientThatAttachesAfterItWasAbandoned() {
        assertTrue(session.backendOpened(backend, null));
        session.clientAbandoned();
        session.sideEnded(Side.BACKEND, 1001, "client went away");
        assertEquals(RelaySession.State.CLOSED, session.state());

        session.clientOpened(client);

        assertEquals(1, client.closes().size(), "the late client is closed, not left open: " + client.events());
    }

    @Test
    void theGatewayClosingAPairBeforeTheClientAttachesClosesTheClientWhenItDoes() {
        assertTrue(session.backendOpened(backend, null));

        session.close(new Close(1001, "to client"), new Close(1001, "to backend"));

        assertEquals(List.of("close 1001 to backend"), backend.events());
        session.clientOpened(client);
        assertEquals(List.of("close 1001 to client"), client.events());
    }

    // ---- limits -----------------------------------------------------------------------------------

    @Test
    void closesTheSenderWith1009WhenAFragmentedMessageGrowsPastTheLimit() {
        openBoth(session);

        session.text(Side.CLIENT, "0123456789", false); // 10 bytes
        session.text(Side.CLIENT, "0123456789", true);  // 20 bytes in all, over 16

        assertEquals(List.of("text 0123456789 …", "close 1001 peer sent a message that was too big"),
                backend.events(), "the oversize frame is not forwarded");
        assertEquals(List.of("close 1009 message too big"), client.events());
        assertEquals(RelaySession.State.CLOSING, session.state());

        session.text(Side.CLIENT, "more", true);
        assertEquals(2, backend.events().size(), "nothing more is forwarded");
    }

    @Test
    void closesTheBackendWith1009WhenItsBinaryMessageIsTooBig() {
        openBoth(session);

        session.binary(Side.BACKEND, bytes("0123456789"), false);
        session.binary(Side.BACKEND, bytes("0123456"), false); // 17 bytes

        assertEquals(List.of("binary 0123456789 …", "close 1001 peer sent a message that was too big"),
                client.events());
        assertEquals(List.of("close 1009 message too big"), backend.events());
    }

    @Test
    void countsTextInUtf8BytesNotCharacters() {
        openBoth(session);

        session.text(Side.CLIENT, "éééééééé", true);  // 8 characters, 16 bytes: at the limit
        session.text(Side.CLIENT, "ééééééééé", true); // 9 characters, 18 bytes: over it

        assertEquals(List.of("text éééééééé", "close 1001 peer sent a message that was too big"), backend.events());
        assertEquals(List.of("close 1009 message too big"), client.events());
    }

    @Test
    void theLimitAppliesPerMessageNotPerSession() {
        openBoth(session);

        session.text(Side.CLIENT, "0123456789", true);
        session.text(Side.CLIENT, "0123456789", true);
        session.binary(Side.CLIENT, bytes("0123456789012345"), true);

        assertEquals(3, backend.events().size());
        assertEquals(List.of(), client.events());
        assertEquals(RelaySession.State.OPEN, session.state());
    }

    @Test
    void theLimitCountsEachDirectionSeparately() {
        openBoth(session);

        session.text(Side.CLIENT, "0123456789", false);
        session.text(Side.BACKEND, "0123456789", false);
        session.text(Side.CLIENT, "012345", true); // 16 from the client
        session.text(Side.BACKEND, "012345", true); // 16 from the backend

        assertEquals(RelaySession.State.OPEN, session.state());
        assertEquals(2, client.events().size());
        assertEquals(2, backend.events().size());
    }

    // ---- failing sends ----------------------------------------------------------------------------

    @Test
    void closesBothSidesWhenASendToTheBackendFails() {
        openBoth(session);
        backend.failSends = new IOException("broken pipe");

        session.text(Side.CLIENT, "hello", true);

        assertEquals(List.of("close 1011 backend connection lost"), backend.events(), "the failing side is closed");
        assertEquals(List.of("close 1011 backend connection lost"), client.events(), "the client gets 1006 mapped");
        assertEquals(RelaySession.State.BACKEND_SHUT, session.state());

        session.sideEnded(Side.BACKEND, 1006, ""); // the failed side's own end is already accounted for
        assertEquals(0, finished.get());
        session.sideEnded(Side.CLIENT, 1011, "backend connection lost");
        assertEquals(1, finished.get());
        assertEquals(RelaySession.State.CLOSED, session.state());
    }

    @Test
    void closesBothSidesWhenASendToTheClientFails() {
        openBoth(session);
        client.failSends = new IOException("reset by peer");

        session.binary(Side.BACKEND, bytes("data"), true);

        assertEquals(List.of("close 1011 gateway error"), client.events(), "the failing side is closed");
        assertEquals(List.of("close 1001 client went away"), backend.events());
    }

    @Test
    void aSendFailingToAClientWhoseCloseWasReadLeavesItsMessagesAndItsCloseToTheBackend() {
        openBoth(session);
        // Undertow: the client's close was read and answered at once, its earlier messages are still on their way
        client.closing = true;
        client.failSends = new IOException("channel closed");

        session.text(Side.BACKEND, "echo", true);
        session.text(Side.CLIENT, "last words", true);
        session.sideEnded(Side.CLIENT, 1000, "done");

        assertEquals(List.of(), client.events(), "nothing more is sent to the client, and it is not closed by the gateway");
        assertEquals(List.of("text last words", "close 1000 done"), backend.events(),
                "the backend gets the client's messages, then the client's own close");
    }

    @Test
    void treatsAPongThatCannotBeSentAsAFailedSide() {
        openBoth(session);
        client.failSends = new IOException("gone");

        session.pong(Side.BACKEND, bytes("beat"));

        assertEquals(List.of("close 1011 gateway error"), client.events());
        assertEquals(List.of("close 1001 client went away"), backend.events());
    }

    @Test
    void aSideFailingClosesItAndForwardsTheAbnormalEnd() {
        openBoth(session);

        session.sideFailed(Side.BACKEND, new IOException("read error"));

        assertEquals(List.of("close 1011 backend connection lost"), backend.events());
        assertEquals(List.of("close 1011 backend connection lost"), client.events());
    }

    // ---- registry ---------------------------------------------------------------------------------

    private RelaySession openInRegistry(FakePeer c, FakePeer b) {
        RelaySession s = registry.open(ROUTE, "192.0.2.7");
        assertTrue(s.backendOpened(b, null));
        s.clientOpened(c);
        return s;
    }

    @Test
    void sweepClosesAnIdleSessionOnBothSides() {
        registry = new SessionRegistry();
        RelaySession s = openInRegistry(client, backend);

        registry.sweep(System.nanoTime() + TimeUnit.HOURS.toNanos(1));

        assertEquals(List.of("close 1001 idle timeout"), client.events());
        assertEquals(List.of("close 1001 idle timeout"), backend.events());
        assertEquals(RelaySession.State.CLOSING, s.state());
        assertEquals(1, registry.size(), "still listed until both sides confirm");

        s.sideEnded(Side.CLIENT, 1001, "idle timeout");
        s.sideEnded(Side.BACKEND, 1001, "idle timeout");

        assertEquals(0, registry.size());
        assertTrue(registry.get(s.id()).isEmpty());
    }

    @Test
    void sweepLeavesAnActiveSessionAlone() {
        registry = new SessionRegistry();
        RelaySession s = openInRegistry(client, backend);
        s.text(Side.CLIENT, "hi", true);

        registry.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(59));

        assertEquals(RelaySession.State.OPEN, s.state());
        assertEquals(List.of(), client.events());
        assertEquals(List.of("text hi"), backend.events());
    }

    @Test
    void sweepNeverTimesOutARouteWithoutIdleTimeout() {
        registry = new SessionRegistry();
        Route noIdle = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 1000, 0, 16, 0, true, List.of(), 1);
        RelaySession s = registry.open(noIdle, "192.0.2.7");
        s.backendOpened(backend, null);
        s.clientOpened(client);

        registry.sweep(System.nanoTime() + TimeUnit.DAYS.toNanos(30));

        assertEquals(RelaySession.State.OPEN, s.state());
        assertEquals(List.of(), client.events());
    }

    @Test
    void sweepDropsAPairThatNeverFinishedClosing() {
        registry = new SessionRegistry();
        RelaySession s = openInRegistry(client, backend);
        s.sideEnded(Side.CLIENT, 1000, "");

        registry.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        assertEquals(1, registry.size(), "within the grace period");

        registry.sweep(System.nanoTime() + TimeUnit.MINUTES.toNanos(5));

        assertEquals(RelaySession.State.FAILED, s.state());
        assertEquals(0, registry.size());
    }

    @Test
    void sweepAbandonsAClientThatNeverAttached() {
        registry = new SessionRegistry();
        RelaySession s = registry.open(ROUTE, "192.0.2.7");
        assertTrue(s.backendOpened(backend, null));

        registry.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        assertEquals(RelaySession.State.CONNECTING, s.state(), "the client still has time to attach");

        registry.sweep(System.nanoTime() + TimeUnit.HOURS.toNanos(1));

        assertEquals(RelaySession.State.CLIENT_SHUT, s.state());
        assertEquals(List.of("close 1001 client went away"), backend.events());
    }

    @Test
    void closingTheRegistryClosesEveryPair() {
        registry = new SessionRegistry();
        FakePeer client2 = new FakePeer("client2");
        FakePeer backend2 = new FakePeer("backend2");
        RelaySession a = openInRegistry(client, backend);
        RelaySession b = openInRegistry(client2, backend2);
        assertEquals(2, registry.size());
        assertEquals(2, registry.all().size());
        assertEquals(a, registry.get(a.id()).orElseThrow());
        assertFalse(a.id().equals(b.id()));

        registry.close();

        for (FakePeer p : List.of(client, backend, client2, backend2)) {
            assertEquals(List.of("close 1001 gateway shutting down"), p.events(), p.name);
        }
    }

    @Test
    void aRegistrySessionKnowsItsRouteAndClient() {
        registry = new SessionRegistry();
        RelaySession s = registry.open(ROUTE, "192.0.2.7");

        assertEquals(ROUTE, s.route());
        assertEquals("192.0.2.7", s.clientAddress());
        assertEquals(RelaySession.State.CONNECTING, s.state());
        assertTrue(s.createdAt() != null);
        assertEquals(16, s.id().length(), "96 random bits, URL-safe base64");
    }

    // ---- keepalive --------------------------------------------------------------------------------

    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(10);

    @Test
    void aSilentSideGetsAKeepalivePingAndItsPongIsNotRelayed() {
        openBoth(session);
        long now = System.nanoTime() + INTERVAL + 1;

        session.keepAlive(Side.CLIENT, now, INTERVAL);
        assertEquals(List.of("ping"), client.events());

        session.pong(Side.CLIENT, RelaySession.keepAlivePayload());
        session.keepAlive(Side.CLIENT, System.nanoTime() + INTERVAL / 2, INTERVAL);

        assertEquals(List.of(), backend.events(), "the gateway's own pong stays in the gateway");
        assertEquals(List.of("ping"), client.events(), "answered and heard from: no second ping yet");
        assertEquals(RelaySession.State.OPEN, session.state());
    }

    @Test
    void aSideThatDoesNotAnswerItsPingIsClosedAndTheOtherSideTold() {
        openBoth(session);
        long now = System.nanoTime() + INTERVAL + 1;
        session.keepAlive(Side.CLIENT, now, INTERVAL);

        session.keepAlive(Side.CLIENT, now + INTERVAL + 1, INTERVAL);

        assertEquals(List.of("ping", "close 1001 keepalive timeout"), client.events());
        assertEquals(List.of("close 1001 client went away"), backend.events());
    }

    @Test
    void aBackendThatStopsAnsweringClosesTheClientWith1011() {
        openBoth(session);
        long now = System.nanoTime() + INTERVAL + 1;
        session.keepAlive(Side.BACKEND, now, INTERVAL);
        session.keepAlive(Side.BACKEND, now + INTERVAL + 1, INTERVAL);

        assertEquals(List.of("close 1011 backend connection lost"), client.events());
    }

    @Test
    void aSideThatKeepsSendingIsNotPinged() {
        openBoth(session);
        session.text(Side.CLIENT, "still here", true);
        session.keepAlive(Side.CLIENT, System.nanoTime() + INTERVAL / 2, INTERVAL);

        assertEquals(List.of(), client.events());
    }

    @Test
    void aSendStuckForLongerThanTheIntervalMeansTheSideIsGone() {
        openBoth(session);
        client.holdCompletions = true;
        session.text(Side.BACKEND, "never written", true);

        session.keepAlive(Side.CLIENT, System.nanoTime() + INTERVAL + 1, INTERVAL);

        assertEquals(List.of("text never written", "close 1001 keepalive timeout"), client.events());
        assertEquals(List.of("close 1001 client went away"), backend.events());
    }

    @Test
    void aSideBusyReceivingIsPingedNextTimeInstead() {
        long opened = System.nanoTime(); // the client was last heard before this; the send below starts after it
        openBoth(session);
        client.holdCompletions = true;
        session.text(Side.BACKEND, "busy", true);
        session.keepAlive(Side.CLIENT, opened + INTERVAL, INTERVAL);
        client.holdCompletions = false;
        client.completeHeld();

        session.keepAlive(Side.CLIENT, opened + INTERVAL + 1, INTERVAL);

        assertEquals(List.of("text busy", "ping"), client.events(),
                "the skipped ping is not mistaken for an unanswered one");
    }

    @Test
    void unsolicitedPongsAreStillRelayed() {
        openBoth(session);
        session.pong(Side.CLIENT, ByteBuffer.wrap(new byte[] {1, 2}));

        assertEquals(1, backend.events().size());
        assertTrue(backend.events().get(0).startsWith("pong"), backend.events().toString());
    }

    @Test
    void theGatewaysPingsDoNotKeepASessionFromIdling() {
        openBoth(session);
        session.pong(Side.CLIENT, RelaySession.keepAlivePayload());
        registry = new SessionRegistry();
        RelaySession s = openInRegistry(client, backend);
        s.pong(Side.CLIENT, RelaySession.keepAlivePayload());

        registry.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUTE.idleTimeoutSeconds()) + 1);

        assertTrue(client.events().contains("close 1001 idle timeout"), client.events().toString());
    }

    /** Containers report the gateway's own close of a session as that session's close event, synchronously. */
    private void reportClosesBack(FakePeer peer, Side side) {
        peer.onClose = (code, reason) -> session.sideEnded(side, code, reason);
    }

    @Test
    void theOtherSideOfAnUnresponsiveBackendHearsThatTheBackendWasLostNotTheGatewaysOwnClose() {
        reportClosesBack(backend, Side.BACKEND);
        openBoth(session);
        long now = System.nanoTime() + INTERVAL + 1;
        session.keepAlive(Side.BACKEND, now, INTERVAL);
        session.keepAlive(Side.BACKEND, now + INTERVAL + 1, INTERVAL);

        assertEquals(List.of("close 1011 backend connection lost"), client.events());
    }

    @Test
    void aFailedClientsBackendHearsThatTheClientWentAway() {
        reportClosesBack(client, Side.CLIENT);
        openBoth(session);

        session.sideFailed(Side.CLIENT, new IOException("reset"));

        assertEquals(List.of("close 1001 client went away"), backend.events());
        assertEquals(List.of("close 1011 gateway error"), client.events());
    }

    @Test
    void aSideReceivingAFragmentedMessageIsNotPingedInTheMiddleOfIt() {
        openBoth(session);
        session.text(Side.BACKEND, "part", false);
        long now = System.nanoTime() + INTERVAL + 1;

        session.keepAlive(Side.CLIENT, now, INTERVAL);
        assertEquals(List.of("text part …"), client.events(), "no ping between the parts of a message");

        session.text(Side.BACKEND, "end", true);
        session.keepAlive(Side.CLIENT, now, INTERVAL);
        assertEquals(List.of("text part …", "text end", "ping"), client.events());
    }
}
