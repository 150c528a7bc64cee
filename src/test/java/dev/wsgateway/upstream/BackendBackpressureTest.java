package dev.wsgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.QuietPeer;
import dev.wsgateway.relay.ReadGate;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.Side;
import dev.wsgateway.route.Route;
import jakarta.websocket.Session;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A backend that stops reading holds the client back: with the real Tyrus client and a real socket, once the
 * bytes in flight to the backend pass the route's budget the client's reads are paused (its {@link ReadGate}) and
 * resumed once the backend reads again, and every byte still arrives, in whole parts as sent. A client whose
 * reads cannot be paused ({@link ReadGate#NONE}) has its reading thread held instead.
 */
class BackendBackpressureTest {
    private static final Route ROUTE = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 5000, 60,
            1 << 30, 0, true, List.of(), 1);
    private static final int MESSAGE = 64 * 1024;
    /** Far more than the sockets on the way hold (a few MB each on loopback). */
    private static final int MESSAGES = 1600;

    private final BackendConnector connector = new BackendConnector(8, 1 << 20);
    private ServerSocket server;

    /**
     * The client's reads as a container that honours a pause does them: the reading loop below delivers the next
     * frame only while not paused. Counts pauses and resumes.
     */
    static final class CountingGate implements ReadGate {
        final CountDownLatch paused = new CountDownLatch(1);
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();
        private boolean open = true;

        @Override
        public synchronized void pause() {
            pauses.incrementAndGet();
            open = false;
            paused.countDown();
        }

        @Override
        public synchronized void resume() {
            resumes.incrementAndGet();
            open = true;
            notifyAll();
        }

        synchronized void awaitOpen() throws InterruptedException {
            while (!open) {
                wait();
            }
        }
    }

    @AfterEach
    void stop() throws IOException {
        connector.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSendWaitingForABackendThatDoesNotReadPausesTheClientsReadsAndLosesNothing() throws Exception {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(this::acceptHandshake);
        RelaySession relay = new RelaySession("s1", ROUTE, "192.0.2.1", s -> { });
        Session backend = connector.connect(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/raw"), List.of(),
                Map.of(), 5000, relay);
        Socket backendSocket = accepted.get(10, TimeUnit.SECONDS);
        CountingGate clientReads = new CountingGate();
        relay.clientOpened(new QuietPeer(), clientReads);

        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            byte[] payload = new byte[MESSAGE];
            try {
                for (int i = 0; i < MESSAGES; i++) {
                    clientReads.awaitOpen();
                    relay.binary(Side.CLIENT, ByteBuffer.wrap(payload), true);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(clientReads.paused.await(30, TimeUnit.SECONDS), "the client's reads were never paused");
        assertFalse(sender.isDone(), "every message went out although the backend reads nothing");
        assertTrue(relay.flowFrom(Side.CLIENT).inFlightBytes() <= ROUTE.maxInFlightBytes() + MESSAGE,
                "in flight: " + relay.flowFrom(Side.CLIENT).inFlightBytes());

        long payloadBytes = readPayloadBytes(backendSocket.getInputStream(), (long) MESSAGE * MESSAGES);
        sender.get(30, TimeUnit.SECONDS);
        assertEquals((long) MESSAGE * MESSAGES, payloadBytes);
        // The last writes' completions may come from Tyrus's thread just after the bytes were read here.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (relay.flowFrom(Side.CLIENT).inFlightBytes() > 0) {
            assertTrue(System.nanoTime() < deadline, "writes never completed");
            Thread.onSpinWait();
        }
        assertEquals(clientReads.pauses.get(), clientReads.resumes.get(), "reads left paused");
        backend.close();
    }

    @Test
    void aClientThatCannotBePausedIsHeldInItsHandlerUntilTheBackendReadsAndLosesNothing() throws Exception {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(this::acceptHandshake);
        RelaySession relay = new RelaySession("s1", ROUTE, "192.0.2.1", s -> { });
        Session backend = connector.connect(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/raw"), List.of(),
                Map.of(), 5000, relay);
        Socket backendSocket = accepted.get(10, TimeUnit.SECONDS);
        relay.clientOpened(new QuietPeer(), ReadGate.NONE);

        AtomicInteger delivered = new AtomicInteger();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            byte[] payload = new byte[MESSAGE];
            for (int i = 0; i < MESSAGES; i++) {
                relay.binary(Side.CLIENT, ByteBuffer.wrap(payload), true);
                delivered.incrementAndGet();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!relay.flowFrom(Side.CLIENT).paused()) {
            assertTrue(System.nanoTime() < deadline, "the direction never went over its budget");
            Thread.onSpinWait();
        }
        assertFalse(sender.isDone(), "every message went out although the backend reads nothing");
        assertTrue(delivered.get() < MESSAGES);
        assertTrue(relay.flowFrom(Side.CLIENT).inFlightBytes() <= ROUTE.maxInFlightBytes() + MESSAGE,
                "in flight: " + relay.flowFrom(Side.CLIENT).inFlightBytes());

        long payloadBytes = readPayloadBytes(backendSocket.getInputStream(), (long) MESSAGE * MESSAGES);
        sender.get(30, TimeUnit.SECONDS);
        assertEquals((long) MESSAGE * MESSAGES, payloadBytes);
        backend.close();
    }

    /** Answers one handshake and returns the socket, which nobody reads until the test does. */
    private Socket acceptHandshake() {
        try {
            Socket s = server.accept();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            String key = head.toString().lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
            s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return s;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads client frames (masked, RFC 6455 5.2) until {@code expected} payload bytes came; returns the count. */
    private static long readPayloadBytes(InputStream raw, long expected) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        long total = 0;
        while (total < expected) {
            in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            in.skipNBytes(4 + length); // the mask, then the payload
            total += length;
        }
        return total;
    }
}
