package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.Pushes.Outcome;
import dev.wsgateway.relay.RelaySessionTest.FakePeer;
import dev.wsgateway.route.Route;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An administrator's push lands at a message boundary, within the direction's budget, or is refused. */
class PushesTest {
    /** A budget of 1 KiB, messages up to 1 MiB. */
    private static final Route ROUTE = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 1000, 60,
            1 << 20, 1024, 0, true, List.of(), 1);
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);

    private final FakePeer client = new FakePeer("client");
    private final FakePeer backend = new FakePeer("backend");
    private final RelaySession session = new RelaySession("s1", ROUTE, "192.0.2.1", s -> { });

    private void openBoth() {
        assertTrue(session.backendOpened(backend, null));
        session.clientOpened(client);
    }

    @Test
    void goesAtOnceBetweenWholeMessages() {
        openBoth();
        session.text(Side.CLIENT, "one", true);

        CompletableFuture<Outcome> pushed = session.push(Side.BACKEND, Frame.text("pushed", true), WAIT);

        assertEquals(Outcome.QUEUED, pushed.getNow(null));
        assertEquals(List.of("text one", "text pushed"), backend.events());
    }

    @Test
    void waitsForTheLastFragmentOfAMessageUnderWay() {
        openBoth();
        session.text(Side.CLIENT, "first", false);

        CompletableFuture<Outcome> pushed = session.push(Side.BACKEND, Frame.text("pushed", true), WAIT);
        assertFalse(pushed.isDone(), "held while the message is under way");
        session.text(Side.CLIENT, "middle", false);
        session.text(Side.CLIENT, "last", true);

        assertEquals(Outcome.QUEUED, pushed.getNow(null));
        assertEquals(List.of("text first …", "text middle …", "text last", "text pushed"), backend.events());
    }

    @Test
    void aFragmentedMessageOtherWayDoesNotHoldAPush() {
        openBoth();
        session.text(Side.BACKEND, "first", false);

        CompletableFuture<Outcome> pushed = session.push(Side.BACKEND, Frame.text("pushed", true), WAIT);

        assertEquals(Outcome.QUEUED, pushed.getNow(null));
        assertEquals(List.of("text pushed"), backend.events());
    }

    @Test
    void aSecondPushWhileOneWaitsIsRefusedAsBusy() {
        openBoth();
        session.binary(Side.BACKEND, ByteBuffer.wrap(new byte[] {1}), false);
        CompletableFuture<Outcome> first = session.push(Side.CLIENT, Frame.text("a", true), WAIT);

        CompletableFuture<Outcome> second = session.push(Side.CLIENT, Frame.text("b", true), WAIT);

        assertFalse(first.isDone());
        assertEquals(Outcome.BUSY, second.getNow(null));
    }

    @Test
    void aPushWaitingPastItsDeadlineIsDroppedAndNeverSent() {
        openBoth();
        session.text(Side.CLIENT, "first", false);
        CompletableFuture<Outcome> pushed = session.push(Side.BACKEND, Frame.text("pushed", true), 0);

        session.expirePushes(System.nanoTime() + 1);
        session.text(Side.CLIENT, "last", true);

        assertEquals(Outcome.NO_BOUNDARY, pushed.getNow(null));
        assertEquals(List.of("text first …", "text last"), backend.events());
    }

    @Test
    void aPushThatDoesNotFitInWhatIsLeftOfTheBudgetIsRefused() {
        openBoth();
        backend.holdCompletions = true;
        session.binary(Side.CLIENT, ByteBuffer.wrap(new byte[800]), true);

        CompletableFuture<Outcome> pushed = session.push(Side.BACKEND, Frame.binary(ByteBuffer.wrap(new byte[300]), true), WAIT);

        assertEquals(Outcome.OVER_BUDGET, pushed.getNow(null));
        assertEquals(800, session.flowFrom(Side.CLIENT).inFlightBytes(), "nothing of the push was taken");
    }

    @Test
    void aWaitingPushIsCancelledWhenThePairFinishes() {
        openBoth();
        session.text(Side.CLIENT, "first", false);
        CompletableFuture<Outcome> pushed = session.push(Side.BACKEND, Frame.text("pushed", true), WAIT);

        session.sideEnded(Side.CLIENT, 1000, "");
        session.sideEnded(Side.BACKEND, 1000, "");

        assertEquals(Outcome.CLOSED, pushed.getNow(null));
    }

    @Test
    void aPushToAPairThatIsNotOpenIsRefused() {
        CompletableFuture<Outcome> pushed = session.push(Side.CLIENT, Frame.text("x", true), WAIT);

        assertEquals(Outcome.CLOSED, pushed.getNow(null));
    }
}
