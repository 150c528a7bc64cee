package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control end to end: a flood in each direction into a side that stops reading holds the sender back
 * (the gateway keeps a bounded amount, not everything sent), and nothing is lost or reordered once the side
 * reads again; and many sessions at once, every message checked byte for byte.
 */
class RelayFlowIT extends GatewayTestBase {
    private static final int MESSAGE = 64 * 1024;
    /** 125 MiB in all. */
    private static final int FLOOD_MESSAGES = 2000;
    /** More than the gateway could hold if it did not pause the sender; less than sockets on the way hold. */
    private static final long HELD_BACK_BELOW = 96L << 20;
    private static boolean routesCreated;

    @BeforeEach
    void routes() throws Exception {
        if (!routesCreated) {
            Admin admin = admin();
            admin.createRoute("flow-flood", "/flow/flood", backend.uri("/flood"), "");
            admin.createRoute("flow-slow", "/flow/slow", backend.uri("/slow"), "");
            admin.createRoute("flow-echo", "/flow/echo", backend.uri("/echo"), "\"pingIntervalSeconds\":0");
            routesCreated = true;
        }
        FlowBackends.Flood.reset();
        FlowBackends.SlowReader.reset();
    }

    @Test
    void aBackendFloodingAClientThatStopsReadingIsHeldBackAndNothingIsLost() throws Exception {
        int count = FLOOD_MESSAGES;
        ManualClient client = new ManualClient(URI.create(ws("/flow/flood")));
        try {
            client.socket.sendText(count + " " + MESSAGE, true).get(10, TimeUnit.SECONDS);

            assertTrue(FlowBackends.Flood.held.await(60, TimeUnit.SECONDS), "the backend was never held back");
            long held = FlowBackends.Flood.BYTES_BEFORE_HELD.get();
            assertTrue(held < HELD_BACK_BELOW, "the gateway took " + (held >> 20) + " MB for a client that reads nothing");

            client.readAll();
            assertTrue(client.received.await(120, TimeUnit.SECONDS), "messages received: " + client.messages.get());
            assertEquals(count, client.messages.get());
            assertEquals(0, client.wrong.get(), "messages lost, reordered or changed");
            assertTrue(FlowBackends.Flood.done.await(10, TimeUnit.SECONDS));
        } finally {
            client.socket.abort();
        }
    }

    @Test
    void aClientFloodingABackendThatStopsReadingIsHeldBackAndNothingIsLost() throws Exception {
        ManualClient client = new ManualClient(URI.create(ws("/flow/slow")));
        try {
            long sent = 0;
            CompletableFuture<WebSocket> last = null;
            while (sent < 512L << 20) {
                last = client.socket.sendBinary(FlowBackends.numbered(sent / MESSAGE, MESSAGE), true);
                try {
                    last.get(3, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    break; // held back: this one is still on its way
                }
                sent += MESSAGE;
            }
            assertTrue(sent < HELD_BACK_BELOW, "the gateway took " + (sent >> 20) + " MB for a backend that reads nothing");

            FlowBackends.SlowReader.release.countDown();
            last.get(60, TimeUnit.SECONDS);
            long expected = sent / MESSAGE + 1;
            Await.until("every message at the backend", Duration.ofSeconds(60),
                    () -> FlowBackends.SlowReader.MESSAGES.get() >= expected);
            assertEquals(expected, FlowBackends.SlowReader.MESSAGES.get());
            assertEquals(0, FlowBackends.SlowReader.WRONG.get(), "messages lost, reordered or changed");
        } finally {
            client.socket.abort();
        }
    }

    @Test
    void aThousandConcurrentSessionsEachGetTheirOwnMessagesBackByteForByte() throws Exception {
        int sessions = 1000;
        List<WsClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<WsClient>> opening = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                opening.add(pool.submit((Callable<WsClient>) () -> WsClient.connect(ws("/flow/echo"))));
            }
            for (Future<WsClient> f : opening) {
                clients.add(f.get(60, TimeUnit.SECONDS));
            }
            List<Future<?>> talking = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                WsClient client = clients.get(i);
                long seed = i;
                talking.add(pool.submit((Callable<Void>) () -> {
                    Random random = new Random(seed);
                    byte[] binary = new byte[1 + random.nextInt(16 * 1024)];
                    random.nextBytes(binary);
                    StringBuilder text = new StringBuilder("session " + seed + " ");
                    for (int c = random.nextInt(2000); c > 0; c--) {
                        text.append((char) (random.nextBoolean() ? 'a' + random.nextInt(26) : 0xE0 + random.nextInt(32)));
                    }
                    client.send(text.toString());
                    client.send(binary);
                    assertEquals(text.toString(), client.nextText());
                    assertArrayEquals(binary, client.nextBinary());
                    return null;
                }));
            }
            for (Future<?> f : talking) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.forEach(WsClient::close);
            pool.shutdownNow();
        }
    }

    /**
     * A client that reads nothing until told to ({@code java.net.http.WebSocket} with demand), then checks every
     * binary message against its number.
     */
    private static final class ManualClient implements WebSocket.Listener {
        final WebSocket socket;
        final AtomicLong messages = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final CountDownLatch received = new CountDownLatch(1);
        private ByteBuffer current = ByteBuffer.allocate(MESSAGE);

        ManualClient(URI uri) throws Exception {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(uri, this).get(35, TimeUnit.SECONDS);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            // no demand: nothing is read until readAll
        }

        void readAll() {
            socket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (current.remaining() < data.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(current.capacity() * 2 + data.remaining());
                current.flip();
                bigger.put(current);
                current = bigger;
            }
            current.put(data);
            if (last) {
                current.flip();
                if (!FlowBackends.isNumbered(current, messages.get())) {
                    wrong.incrementAndGet();
                }
                current.clear();
                if (messages.incrementAndGet() == FLOOD_MESSAGES) {
                    received.countDown();
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            wrong.incrementAndGet();
            return null;
        }
    }
}
