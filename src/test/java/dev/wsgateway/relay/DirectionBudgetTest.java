package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.RelaySessionTest.FakePeer;
import dev.wsgateway.route.Route;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Flow control by demand: each direction's budget of bytes in flight, and pausing and resuming its source. */
class DirectionBudgetTest {
    /** A budget of 1 KiB, messages up to 1 MiB. */
    private static final Route ROUTE = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 1000, 60,
            1 << 20, 1024, 0, true, List.of(), 1);

    private final FakePeer client = new FakePeer("client");
    private final FakePeer backend = new FakePeer("backend");
    private final RelaySession session = new RelaySession("s1", ROUTE, "192.0.2.1", s -> { });
    private final RecordingGate clientReads = new RecordingGate();
    private final RecordingGate backendReads = new RecordingGate();

    /** Records pause and resume calls. */
    static final class RecordingGate implements ReadGate {
        final List<String> calls = new ArrayList<>();

        @Override
        public synchronized void pause() {
            calls.add("pause");
        }

        @Override
        public synchronized void resume() {
            calls.add("resume");
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }
    }

    private void openBoth() {
        assertTrue(session.backendOpened(backend, backendReads, null));
        session.clientOpened(client, clientReads);
    }

    private static ByteBuffer bytes(int n) {
        return ByteBuffer.wrap(new byte[n]);
    }

    @Test
    void pausesTheClientWhenTheBytesInFlightToTheBackendPassTheBudget() {
        openBoth();
        backend.holdCompletions = true;

        session.binary(Side.CLIENT, bytes(600), true);
        assertEquals(List.of(), clientReads.calls(), "600 bytes are within the budget");
        session.binary(Side.CLIENT, bytes(600), true);

        assertEquals(List.of("pause"), clientReads.calls());
        assertEquals(1200, session.flowFrom(Side.CLIENT).inFlightBytes());
        assertTrue(session.flowFrom(Side.CLIENT).paused());
    }

    @Test
    void resumesTheClientOnceTheBackendTookHalfTheBudget() {
        openBoth();
        backend.holdCompletions = true;
        session.binary(Side.CLIENT, bytes(600), true);
        session.binary(Side.CLIENT, bytes(600), true);

        backend.holdCompletions = false;
        backend.completeHeld();

        assertEquals(List.of("pause", "resume"), clientReads.calls());
        assertEquals(0, session.flowFrom(Side.CLIENT).inFlightBytes());
        assertFalse(session.flowFrom(Side.CLIENT).paused());
        assertEquals(1, session.flowFrom(Side.CLIENT).pauses());
    }

    @Test
    void sendsToAPeerThatDoesNotPipelineOneAtATimeInOrder() {
        openBoth();
        client.holdCompletions = true;

        session.text(Side.BACKEND, "one", true);
        session.text(Side.BACKEND, "two", true);
        session.text(Side.BACKEND, "three", true);
        assertEquals(List.of("text one"), client.events(), "the next waits for the one in flight");

        client.completeHeld();
        assertEquals(List.of("text one", "text two"), client.events());
        client.holdCompletions = false;
        client.completeHeld();
        assertEquals(List.of("text one", "text two", "text three"), client.events());
        assertEquals(0, session.flowFrom(Side.BACKEND).inFlightBytes());
    }

    @Test
    void pausesTheBackendWhileTheClientsUpgradeCompletesOnceItsFramesPassTheBudget() {
        assertTrue(session.backendOpened(backend, backendReads, null));

        for (int i = 0; i < 3; i++) {
            session.binary(Side.BACKEND, bytes(400), true);
        }

        assertEquals(List.of("pause"), backendReads.calls(), "held within the budget, the backend paused");
        assertEquals(1200, session.flowFrom(Side.BACKEND).inFlightBytes());

        session.clientOpened(client, clientReads);

        assertEquals(3, client.events().size());
        assertEquals(List.of("pause", "resume"), backendReads.calls());
    }

    @Test
    void aSourceThatCannotBePausedIsHeldInItsHandlerUntilTheSendsDrain() throws Exception {
        assertTrue(session.backendOpened(backend, ReadGate.NONE, null));
        session.clientOpened(client, ReadGate.NONE);
        backend.holdCompletions = true;
        session.binary(Side.CLIENT, bytes(600), true);

        CompletableFuture<Void> handler = CompletableFuture.runAsync(() ->
                session.binary(Side.CLIENT, bytes(600), true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!session.flowFrom(Side.CLIENT).paused()) {
            assertTrue(System.nanoTime() < deadline, "the direction never went over its budget");
            Thread.onSpinWait();
        }
        assertFalse(handler.isDone(), "the handler returned while the direction is over its budget");

        backend.holdCompletions = false;
        backend.completeHeld();

        handler.get(5, TimeUnit.SECONDS);
        assertEquals(0, session.flowFrom(Side.CLIENT).inFlightBytes());
    }

    @Test
    void aHeldHandlerIsLetGoWhenThePairCloses() throws Exception {
        assertTrue(session.backendOpened(backend, ReadGate.NONE, null));
        session.clientOpened(client, ReadGate.NONE);
        backend.holdCompletions = true;
        session.binary(Side.CLIENT, bytes(600), true);
        CompletableFuture<Void> handler = CompletableFuture.runAsync(() ->
                session.binary(Side.CLIENT, bytes(600), true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!session.flowFrom(Side.CLIENT).paused()) {
            assertTrue(System.nanoTime() < deadline, "never over budget");
            Thread.onSpinWait();
        }

        session.sideEnded(Side.BACKEND, 1000, "");

        handler.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPausedClientReadsAgainWhenItsBackendEndsSoItsCloseCanBeRead() {
        openBoth();
        backend.holdCompletions = true;
        session.binary(Side.CLIENT, bytes(2000), true);
        assertEquals(List.of("pause"), clientReads.calls());

        session.sideEnded(Side.BACKEND, 1001, "bye");

        assertEquals(List.of("pause", "resume"), clientReads.calls());
        assertEquals(List.of("close 1001 bye"), client.events());
    }

    @Test
    void framesTheBackendSentBeforeItClosedReachTheClientBeforeTheClose() {
        openBoth();
        client.holdCompletions = true;
        session.text(Side.BACKEND, "first", true);
        session.text(Side.BACKEND, "second", true);

        session.sideEnded(Side.BACKEND, 4000, "done");
        assertEquals(List.of("text first"), client.events());

        client.holdCompletions = false;
        client.completeHeld();

        assertEquals(List.of("text first", "text second", "close 4000 done"), client.events());
    }

    @Test
    void aClientsBufferIsCopiedWhenItMustWaitInTheQueue() {
        openBoth();
        backend.holdCompletions = true;
        // A backend peer that does not pipeline: the second frame waits while the first is in flight.
        ByteBuffer reused = ByteBuffer.wrap("aaaa".getBytes());
        session.binary(Side.CLIENT, ByteBuffer.wrap("1st".getBytes()), true);
        session.binary(Side.CLIENT, reused, true);
        reused.put(0, (byte) 'z'); // the container reuses its buffer once the handler returned

        backend.holdCompletions = false;
        backend.completeHeld();

        assertEquals(List.of("binary 1st", "binary aaaa"), backend.events());
    }
}
