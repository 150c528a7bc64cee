package dev.wsgateway.it;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket client independent of the gateway's own stack: the JDK's {@code java.net.http.WebSocket}.
 * Records every event; the parts of a message are joined, and counted in {@link #partsReceived}.
 */
final class WsClient implements AutoCloseable {
    sealed interface Event permits Text, Binary, Closed, Failed {
    }

    record Text(String text) implements Event {
    }

    record Binary(byte[] data) implements Event {
    }

    record Closed(int code, String reason) implements Event {
    }

    record Failed(Throwable error) implements Event {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    /** Frames (parts) received, counted so tests can see fragments arrive as fragments. */
    volatile long partsReceived;

    private WsClient(URI uri, Map<String, String> headers, List<String> subprotocols) throws Exception {
        // Generous: on Payara a previous test's 16 MiB single frame can keep the 2 cores busy for seconds
        // (README, compatibility); the suite checks behaviour, not handshake latency.
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        try {
            socket = builder.buildAsync(uri, new Listener()).get(35, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                // The JDK's message says only "Unexpected HTTP response status code": name the answer
                HttpResponse<?> response = refused.getResponse();
                throw new AssertionError("handshake to " + uri + " refused: " + response.statusCode() + " "
                        + response.headers().map() + " " + response.body(), refused);
            }
            throw e;
        }
    }

    static WsClient connect(String uri, String... subprotocols) throws Exception {
        return new WsClient(URI.create(uri), Map.of(), List.of(subprotocols));
    }

    /** Connects with extra handshake headers (the JDK client refuses the handshake's own headers). */
    static WsClient connect(String uri, Map<String, String> headers, String... subprotocols) throws Exception {
        return new WsClient(URI.create(uri), headers, List.of(subprotocols));
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    void send(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    /** One frame of a text message: the first (or a middle) one with {@code last} false, the final one with true. */
    void sendTextPart(String part, boolean last) throws Exception {
        socket.sendText(part, last).get(10, TimeUnit.SECONDS);
    }

    /** An unsolicited pong (a heartbeat the gateway relays). */
    void sendPong(byte[] data) throws Exception {
        socket.sendPong(ByteBuffer.wrap(data)).get(10, TimeUnit.SECONDS);
    }

    void sendPart(byte[] data, boolean last) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), last).get(30, TimeUnit.SECONDS);
    }

    /**
     * Sends binary messages of {@code size} bytes, each once the one before it left, until one does not leave
     * within {@code stall} (the receiver holds the client back) or {@code limit} bytes left; returns the bytes
     * that left the client.
     */
    long sendUntilHeldBack(int size, long limit, Duration stall) throws Exception {
        byte[] data = new byte[size];
        long sent = 0;
        while (sent < limit) {
            try {
                socket.sendBinary(ByteBuffer.wrap(data), true).get(stall.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return sent;
            }
            sent += size;
        }
        return sent;
    }

    void close(int code, String reason) throws Exception {
        socket.sendClose(code, reason).get(10, TimeUnit.SECONDS);
    }

    /** The next event, or an assertion failure after 10 s. */
    Event next() throws InterruptedException {
        return next(10);
    }

    Event next(int seconds) throws InterruptedException {
        Event e = events.poll(seconds, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no WebSocket event within " + seconds + " s");
        }
        return e;
    }

    String nextText() throws InterruptedException {
        Event e = next();
        if (e instanceof Text t) {
            return t.text();
        }
        throw new AssertionError("expected a text message, got " + e);
    }

    byte[] nextBinary() throws InterruptedException {
        Event e = next(30);
        if (e instanceof Binary b) {
            return b.data();
        }
        throw new AssertionError("expected a binary message, got " + e);
    }

    /** The close the client received, skipping any messages still in flight. */
    Closed awaitClose() throws InterruptedException {
        while (true) {
            Event e = next();
            if (e instanceof Closed c) {
                return c;
            }
            if (e instanceof Failed f) {
                throw new AssertionError("the connection failed instead of closing", f.error());
            }
        }
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private StringBuilder text = new StringBuilder();
        private ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partsReceived++;
            text.append(data);
            if (last) {
                events.add(new Text(text.toString()));
                text = new StringBuilder();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            partsReceived++;
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                events.add(new Binary(binary.toByteArray()));
                binary = new ByteArrayOutputStream();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add(new Closed(statusCode, reason));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add(new Failed(error));
        }
    }
}
