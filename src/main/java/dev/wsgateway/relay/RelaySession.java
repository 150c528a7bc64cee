package dev.wsgateway.relay;

import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.policy.Credentials;
import dev.wsgateway.route.Route;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One relayed pair: the client's session and the gateway's session to the backend, and their state.
 *
 * <p>The backend side opens first (the handshake is decided before the client is upgraded); the client
 * side attaches when its upgrade completes. State changes happen under one lock, side effects (sends,
 * closes) after it. Frames flow on the container's reading thread of the side they came from. A send returns
 * once the frame is handed over (the backend's, pipelined) or written (the client's), and a send waits for the
 * one before it, with the sending side's reads paused where the container would read on
 * ({@link ReadGate}): there is never more than one frame in flight per direction and nothing is queued inside
 * the gateway.
 */
public final class RelaySession {
    public enum State { CONNECTING, OPEN, CLOSING, CLOSED }

    /** How long backend frames wait for the client's upgrade to complete before the pair is given up. */
    static final long CLIENT_ATTACH_TIMEOUT_MILLIS = 30_000;
    private static final Logger LOG = Logger.getLogger(RelaySession.class.getName());
    /** Payload of the gateway's own keepalive pings: the pongs that answer them are the gateway's, not relayed. */
    private static final byte[] KEEPALIVE = "ws-gateway keepalive".getBytes(StandardCharsets.US_ASCII);
    private static final Close GIVEN_UP = new Close(CloseCodes.INTERNAL_ERROR, "session given up before the upgrade completed");

    private final String id;
    private final Route route;
    private final String clientAddress;
    private final Credentials credentials;
    private final Instant createdAt = Instant.now();
    private final Consumer<RelaySession> onFinished;
    private final CountDownLatch clientAttached = new CountDownLatch(1);
    private final Flow fromClient = new Flow(Side.CLIENT);
    private final Flow fromBackend = new Flow(Side.BACKEND);

    private final Object lock = new Object();
    private volatile State state = State.CONNECTING;
    private Peer client;
    private Peer backend;
    private boolean clientEnded;
    private boolean backendEnded;
    private Close pendingForClient;
    private volatile long stateSinceNanos = System.nanoTime();
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile String subprotocol = "";
    /** Whether the client was ever upgraded (a pair given up before that was a failed handshake, not a session). */
    private volatile boolean opened;
    /** Who ended the pair first; null until then. Written under the lock, once. */
    private volatile Ending ending;
    /** How often the client's reads were paused because a send to the backend waited (backpressure). */
    private volatile long readPauses;

    /**
     * How the pair ended, for metrics and the access log: who closed first ({@code client}, {@code backend},
     * {@code gateway}), the code that side sent or that the gateway sent the client, and why ({@code client},
     * {@code backend}, or the gateway's cause: {@code admin}, {@code expiry}, {@code revocation}, {@code idle},
     * {@code keepalive}, {@code message_too_big}, {@code shutdown}, {@code gateway}).
     */
    public record Ending(String by, int code, String cause) {
    }

    public RelaySession(String id, Route route, String clientAddress, Consumer<RelaySession> onFinished) {
        this(id, route, clientAddress, Credentials.ANONYMOUS, onFinished);
    }

    /** @param credentials what the handshake policies learned about the client (for revocation and expiry) */
    public RelaySession(String id, Route route, String clientAddress, Credentials credentials,
                        Consumer<RelaySession> onFinished) {
        this.id = id;
        this.route = route;
        this.clientAddress = clientAddress;
        this.credentials = credentials;
        this.onFinished = onFinished;
    }

    // ---- lifecycle -------------------------------------------------------------------------------

    /** The backend session is open. False when the pair was given up meanwhile: close it then. */
    public boolean backendOpened(Peer peer, String negotiatedSubprotocol) {
        synchronized (lock) {
            if (state != State.CONNECTING) {
                return false;
            }
            backend = peer;
            subprotocol = negotiatedSubprotocol == null ? "" : negotiatedSubprotocol;
            return true;
        }
    }

    /** The client's upgrade completed. If the backend ended meanwhile, the client gets that close now. */
    public void clientOpened(Peer peer) {
        clientOpened(peer, ReadGate.NONE);
    }

    /** @param reads pauses and resumes reading the client's frames (see {@link ReadGate}) */
    public void clientOpened(Peer peer, ReadGate reads) {
        Close close = null;
        synchronized (lock) {
            client = peer;
            if (state == State.CONNECTING) {
                if (backend != null) {
                    backend.pauseWhileWaiting(reads == ReadGate.NONE ? reads : countingPauses(reads));
                }
                transition(State.OPEN);
                opened = true;
            } else {
                // The backend ended, or the pair was given up, before the upgrade completed.
                close = pendingForClient != null ? pendingForClient : GIVEN_UP;
            }
        }
        clientAttached.countDown();
        if (close != null) {
            peer.close(close.code(), close.reason());
        }
    }

    /** The client will never attach (its upgrade failed): the backend is told the client went away. */
    public void clientAbandoned() {
        sideEnded(Side.CLIENT, CloseCodes.ABNORMAL, "");
        clientAttached.countDown();
    }

    /** A side's connection ended, with the code it sent (or 1005/1006 when it sent none). */
    public void sideEnded(Side side, int code, String reason) {
        Peer other = null;
        Close forward = null;
        boolean finished;
        synchronized (lock) {
            if (ended(side) || state == State.CLOSED) {
                return;
            }
            markEnded(side);
            if (state == State.CONNECTING || state == State.OPEN) {
                transition(State.CLOSING);
                if (ending == null) {
                    ending = new Ending(side.label(), code, side.label());
                }
                forward = CloseCodes.forward(side, code, reason);
                other = peer(side.other());
                if (other == null && side == Side.BACKEND) {
                    pendingForClient = forward;
                }
            }
            finished = clientEnded && backendEnded;
            if (finished) {
                transition(State.CLOSED);
            }
        }
        if (other != null) {
            other.close(forward.code(), forward.reason());
        }
        if (finished) {
            onFinished.accept(this);
        }
    }

    /** A side failed (I/O error, or a send to it failed): close it if it is still open, then treat it as gone. */
    public void sideFailed(Side side, Throwable cause) {
        LOG.log(Level.FINE, cause, () -> "session " + id + ": the " + side.label() + " side failed");
        sideGone(side, CloseCodes.INTERNAL_ERROR, side == Side.CLIENT ? "gateway error" : CloseCodes.BACKEND_GONE);
    }

    /**
     * A side is gone without a close of its own: the other side is told (as for 1006), then the gone side's
     * session is closed with {@code code}. In that order, because containers report a close the gateway
     * makes as that side's close event, synchronously; it must not be passed on as if the side had sent it.
     */
    private void sideGone(Side side, int code, String reason) {
        Peer peer;
        synchronized (lock) {
            peer = ended(side) ? null : peer(side);
        }
        sideEnded(side, CloseCodes.ABNORMAL, "");
        if (peer != null) {
            peer.close(code, reason);
        }
    }

    /**
     * The gateway ends the pair (idle timeout, a limit, an administrator): each side gets its own close.
     * The pair is finished when both sides have confirmed.
     */
    public void close(Close toClient, Close toBackend) {
        close("gateway", toClient, toBackend);
    }

    /** As {@link #close(Close, Close)}, naming the cause for metrics and the access log (see {@link Ending}). */
    public void close(String cause, Close toClient, Close toBackend) {
        Peer c;
        Peer b;
        synchronized (lock) {
            if (state == State.CLOSING || state == State.CLOSED) {
                return;
            }
            transition(State.CLOSING);
            ending = new Ending("gateway", toClient.code(), cause);
            c = clientEnded ? null : client;
            b = backendEnded ? null : backend;
            if (client == null) {
                pendingForClient = toClient;
            }
        }
        if (c != null) {
            c.close(toClient.code(), toClient.reason());
        }
        if (b != null) {
            b.close(toBackend.code(), toBackend.reason());
        }
    }

    /** Gives up on a pair whose sides did not confirm their close in time. */
    public void finishNow() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            clientEnded = true;
            backendEnded = true;
            transition(State.CLOSED);
        }
        clientAttached.countDown();
        onFinished.accept(this);
    }

    // ---- frames ----------------------------------------------------------------------------------

    public void text(Side from, String part, boolean last) {
        Peer to = admit(from, Utf8.length(part), last);
        if (to != null) {
            try {
                to.sendText(part, last);
            } catch (IOException | RuntimeException e) {
                sideFailed(from.other(), e);
            }
        }
    }

    public void binary(Side from, ByteBuffer part, boolean last) {
        Peer to = admit(from, part.remaining(), last);
        if (to != null) {
            try {
                to.sendBinary(part, last);
            } catch (IOException | RuntimeException e) {
                sideFailed(from.other(), e);
            }
        }
    }

    /** The peer a data frame from {@code from} goes to, or null when it is dropped (not open, or over the limit). */
    private Peer admit(Side from, long length, boolean last) {
        Peer to = target(from);
        return to != null && flow(from).admit(length, last) ? to : null;
    }

    /**
     * A pong answering the gateway's keepalive ping is the gateway's. Other (unsolicited) pongs are the
     * endpoints' heartbeats and are passed on. Pings are answered by each side's own container.
     */
    public void pong(Side from, ByteBuffer applicationData) {
        Flow flow = flow(from);
        flow.lastHeardNanos = System.nanoTime();
        if (applicationData.equals(ByteBuffer.wrap(KEEPALIVE))) {
            flow.pingSentNanos = 0;
            return;
        }
        Peer to = target(from);
        if (to == null) {
            return;
        }
        lastActivityNanos = System.nanoTime();
        try {
            to.sendPong(applicationData);
        } catch (IOException | RuntimeException e) {
            sideFailed(from.other(), e);
        }
    }

    /** The peer to send {@code from}'s frames to, or null when the pair is not open. */
    private Peer target(Side from) {
        if (from == Side.BACKEND && state == State.CONNECTING && !awaitClient()) {
            return null;
        }
        if (state != State.OPEN) {
            return null; // closing: data after a close is dropped, as RFC 6455 has it
        }
        return from == Side.CLIENT ? backend : client;
    }

    private boolean awaitClient() {
        try {
            if (clientAttached.await(CLIENT_ATTACH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clientAbandoned();
        return false;
    }

    // ---- keepalive -------------------------------------------------------------------------------

    /**
     * One keepalive step for one side, from the session timer: a side silent for {@code intervalNanos} gets a
     * ping; a side that has not answered a ping within {@code intervalNanos}, or whose send has been stuck that
     * long, is gone (a half-open connection, or a server that does not report a vanished client).
     */
    void keepAlive(Side side, long nowNanos, long intervalNanos, Executor pinger) {
        Peer peer;
        synchronized (lock) {
            if (state != State.OPEN) {
                return;
            }
            peer = peer(side);
        }
        Flow flow = flow(side);
        long sendingSince = peer.sendingSinceNanos();
        if (sendingSince != 0 && nowNanos - sendingSince > intervalNanos) {
            sideUnresponsive(side, "a send to it made no progress");
            return;
        }
        if (flow.pingSentNanos != 0) {
            if (nowNanos - flow.pingSentNanos > intervalNanos) {
                sideUnresponsive(side, "it did not answer a ping");
            }
            return;
        }
        if (flow(side.other()).midMessage) {
            // A fragmented message to this side is under way: a ping now could wait behind it inside the
            // container while holding the side's send lock. Data is flowing to it; a stuck send is caught above.
            return;
        }
        if (nowNanos - flow.lastHeardNanos >= intervalNanos) {
            // Sent elsewhere: a ping into a dead connection's full buffer may block, and must not stop the timer.
            flow.pingSentNanos = nowNanos;
            pinger.execute(() -> {
                try {
                    if (!peer.tryPing(keepAlivePayload())) {
                        flow.pingSentNanos = 0; // busy sending: it is not silent, try again next time
                    }
                } catch (IOException | RuntimeException e) {
                    sideFailed(side, e);
                }
            });
        }
    }

    /** From the session timer: each side's peer gets {@link Peer#nudge()} (it acts only with a send in progress). */
    void nudgeSends() {
        Peer c;
        Peer b;
        synchronized (lock) {
            c = client;
            b = backend;
        }
        for (Peer peer : new Peer[] {c, b}) {
            if (peer != null) {
                peer.nudge();
            }
        }
    }

    /**
     * The payload of the gateway's keepalive pings: a fresh, writable copy each time (Open Liberty's socket
     * layer cannot write a read-only buffer).
     */
    static ByteBuffer keepAlivePayload() {
        return ByteBuffer.wrap(KEEPALIVE.clone());
    }

    private void sideUnresponsive(Side side, String why) {
        LOG.fine(() -> "session " + id + ": the " + side.label() + " side is gone: " + why);
        synchronized (lock) {
            if (ending == null && (state == State.CONNECTING || state == State.OPEN)) {
                ending = new Ending("gateway", CloseCodes.GOING_AWAY, "keepalive");
            }
        }
        sideGone(side, CloseCodes.GOING_AWAY, "keepalive timeout");
    }

    // ---- state helpers (call under lock) -------------------------------------------------------

    private void transition(State next) {
        state = next;
        stateSinceNanos = System.nanoTime();
    }

    private boolean ended(Side side) {
        return side == Side.CLIENT ? clientEnded : backendEnded;
    }

    private void markEnded(Side side) {
        if (side == Side.CLIENT) {
            clientEnded = true;
        } else {
            backendEnded = true;
        }
    }

    private Peer peer(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    private Flow flow(Side from) {
        return from == Side.CLIENT ? fromClient : fromBackend;
    }

    /** The client's read gate, counting its pauses (each one is a send to the backend that had to wait). */
    private ReadGate countingPauses(ReadGate reads) {
        return new ReadGate() {
            @Override
            public void pause() {
                readPauses++; // one writer: the client's reading thread, which is the one that waits
                reads.pause();
            }

            @Override
            public void resume() {
                reads.resume();
            }
        };
    }

    // ---- what the registry and the admin API read ---------------------------------------------

    public String id() {
        return id;
    }

    public Route route() {
        return route;
    }

    public String clientAddress() {
        return clientAddress;
    }

    public Credentials credentials() {
        return credentials;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public State state() {
        return state;
    }

    public String subprotocol() {
        return subprotocol;
    }

    long stateSinceNanos() {
        return stateSinceNanos;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** When a frame last went through, either way (or the pair was opened). */
    public Instant lastActivity() {
        return Instant.now().minusNanos(System.nanoTime() - lastActivityNanos);
    }

    /** Whether the client was upgraded (false for a pair given up during its handshake). */
    public boolean opened() {
        return opened;
    }

    /** How the pair ended; null while it is live. */
    public Ending ending() {
        return ending;
    }

    /** How often the client's reads were paused while a send to the backend waited. */
    public long readPauses() {
        return readPauses;
    }

    public Flow flowFrom(Side side) {
        return flow(side);
    }

    /**
     * One direction of traffic: counters for diagnostics, and the size of the message in progress for the
     * route's limit. Written only by the reading thread of its side.
     */
    public final class Flow {
        private final Side from;
        private long messageBytes;
        private volatile long lastHeardNanos = System.nanoTime();
        private volatile long pingSentNanos;
        /** Between the first and the last frame of a fragmented message from this side. */
        private volatile boolean midMessage;
        private volatile long frames;
        private volatile long messages;
        private volatile long bytes;

        Flow(Side from) {
            this.from = from;
        }

        /** Counts a frame; false (and the pair is closed with 1009 to the sender) when it breaks the size limit. */
        boolean admit(long length, boolean last) {
            long now = System.nanoTime();
            lastActivityNanos = now;
            lastHeardNanos = now;
            frames++;
            bytes += length;
            messageBytes += length;
            if (messageBytes > route.maxMessageBytes()) {
                Close toSender = new Close(CloseCodes.TOO_BIG, "message too big");
                Close toPeer = new Close(CloseCodes.GOING_AWAY, "peer sent a message that was too big");
                close("message_too_big", from == Side.CLIENT ? toSender : toPeer, from == Side.CLIENT ? toPeer : toSender);
                return false;
            }
            if (last) {
                messages++;
                messageBytes = 0;
            }
            midMessage = !last;
            return true;
        }

        public long frames() {
            return frames;
        }

        public long messages() {
            return messages;
        }

        public long bytes() {
            return bytes;
        }
    }
}
