package dev.wsgateway.relay;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessageChain;
import dev.wsgateway.policy.message.MessageChains;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.route.Route;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One relayed pair: the client's session and the gateway's session to the backend.
 *
 * <p>The pair's state is one {@link State}, changed only by {@link #move} under the pair's lock; the side effects
 * (sends, closes, the finished callback) run after it. Traffic runs through two {@link Direction}s, one per
 * way, each with its outbound peer, its budget of bytes in flight and its counters. The backend side opens
 * first (the handshake is decided before the client is upgraded); backend frames that arrive before the
 * client's upgrade completes wait in the backend's direction, within its budget. No method waits for a send.
 */
public final class RelaySession {
    /**
     * The pair's state. CLIENT_SHUT and BACKEND_SHUT: that side's connection ended (it closed, vanished or
     * failed) and the other side was told; the pair waits for the other's end. CLOSING: the gateway closed both
     * sides itself (idle timeout, a limit, an administrator, an expired or revoked credential, shutdown) and waits
     * for both. CLOSED: both ended. FAILED: given up without both ends (a client that never attached, a backend
     * that never finished connecting, sides that did not confirm their close in time).
     */
    public enum State {
        CONNECTING, OPEN, CLIENT_SHUT, BACKEND_SHUT, CLOSING, CLOSED, FAILED;

        /** What changes the state. */
        public enum Event { CLIENT_ATTACHED, CLIENT_ENDED, BACKEND_ENDED, GATEWAY_CLOSED, GIVEN_UP }

        /** The state after {@code event}: the pair's whole life cycle in one table. */
        public State next(Event event) {
            return switch (event) {
                case CLIENT_ATTACHED -> this == CONNECTING ? OPEN : this;
                case CLIENT_ENDED -> switch (this) {
                    case CONNECTING, OPEN, CLOSING -> CLIENT_SHUT;
                    case BACKEND_SHUT -> CLOSED;
                    default -> this;
                };
                case BACKEND_ENDED -> switch (this) {
                    case CONNECTING, OPEN, CLOSING -> BACKEND_SHUT;
                    case CLIENT_SHUT -> CLOSED;
                    default -> this;
                };
                case GATEWAY_CLOSED -> relaying() ? CLOSING : this;
                case GIVEN_UP -> finished() ? this : FAILED;
            };
        }

        /** Frames still flow (the client's upgrade may be completing). */
        public boolean relaying() {
            return this == CONNECTING || this == OPEN;
        }

        /** Waiting for one or both sides to confirm a close. */
        public boolean closing() {
            return this == CLIENT_SHUT || this == BACKEND_SHUT || this == CLOSING;
        }

        public boolean finished() {
            return this == CLOSED || this == FAILED;
        }

        /** Whether that side's connection is known to have ended. */
        public boolean ended(Side side) {
            return finished() || this == (side == Side.CLIENT ? CLIENT_SHUT : BACKEND_SHUT);
        }
    }

    /** How long a client's upgrade may take after the backend opened before the pair is given up. */
    static final long CLIENT_ATTACH_TIMEOUT_MILLIS = 30_000;
    private static final Logger LOG = Logger.getLogger(RelaySession.class.getName());
    private static final Close GIVEN_UP = new Close(CloseCodes.INTERNAL_ERROR, "session given up before the upgrade completed");
    private static final Close ABANDONED = new Close(CloseCodes.GOING_AWAY, "session given up");
    private static final Close TOO_BIG = new Close(CloseCodes.TOO_BIG, "message too big");
    private static final Close PEER_TOO_BIG = new Close(CloseCodes.GOING_AWAY, "peer sent a message that was too big");

    private final String id;
    private final Route route;
    private final String clientAddress;
    private final Credentials credentials;
    private final Instant createdAt = Instant.now();
    private final Consumer<RelaySession> onFinished;
    private final Executor blockingSends;
    private final Direction fromClient;
    private final Direction fromBackend;
    private final Keepalive keepalive = new Keepalive();
    private final Pushes toBackend;
    private final Pushes toClient;

    private final Object lock = new Object();
    private volatile State state = State.CONNECTING;
    private volatile long stateSinceNanos = System.nanoTime();
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile String subprotocol = "";
    /** Whether the client was ever upgraded (a pair given up before that was a failed handshake, not a session). */
    private volatile boolean opened;
    /** Who ended the pair first; null until then. Written under the lock, once. */
    private volatile Ending ending;

    /**
     * How the pair ended, for metrics and the access log: who closed first ({@code client}, {@code backend},
     * {@code gateway}), the code that side sent or that the gateway sent the client, and why ({@code client},
     * {@code backend}, or the gateway's cause: {@code admin}, {@code expiry}, {@code revocation}, {@code idle},
     * {@code keepalive}, {@code message_too_big}, {@code max_age}, {@code drain}, {@code shutdown}, {@code policy} (a message policy's verdict),
     * {@code policy_error} (a message policy failed), {@code gateway}).
     */
    public record Ending(String by, int code, String cause) {
    }

    public RelaySession(String id, Route route, String clientAddress, Consumer<RelaySession> onFinished) {
        this(id, route, clientAddress, Credentials.ANONYMOUS, onFinished);
    }

    public RelaySession(String id, Route route, String clientAddress, Credentials credentials,
                        Consumer<RelaySession> onFinished) {
        this(id, route, clientAddress, credentials, onFinished, Runnable::run);
    }

    /**
     * @param credentials   what the handshake policies learned about the client (for revocation and expiry)
     * @param blockingSends where a {@link SessionPeer} runs the sends Jakarta WebSocket offers only as blocking
     *                      calls (see {@link SessionPeer}); never a container or transport thread
     */
    public RelaySession(String id, Route route, String clientAddress, Credentials credentials,
                        Consumer<RelaySession> onFinished, Executor blockingSends) {
        this.id = id;
        this.route = route;
        this.clientAddress = clientAddress;
        this.credentials = credentials;
        this.onFinished = onFinished;
        this.blockingSends = blockingSends;
        Direction.Failures failures = this::sendFailed;
        this.fromClient = new Direction(Side.CLIENT, route.maxInFlightBytes(), route.maxMessageBytes(), failures);
        this.fromBackend = new Direction(Side.BACKEND, route.maxInFlightBytes(), route.maxMessageBytes(), failures);
        this.toBackend = new Pushes(fromClient);
        this.toClient = new Pushes(fromBackend);
    }

    /** Changes the state: the one place it changes. Call under the lock; returns the state before. */
    private State move(State.Event event) {
        State before = state;
        State after = before.next(event);
        if (after != before) {
            state = after;
            stateSinceNanos = System.nanoTime();
            opened |= after == State.OPEN;
        }
        return before;
    }

    /** Records who ended the pair, the first time it stops relaying. Call under the lock, before {@link #move}. */
    private void endedBy(String by, int code, String cause) {
        if (ending == null && state.relaying()) {
            ending = new Ending(by, code, cause);
        }
    }

    /**
     * Plugs the route's message policies into the two directions: call before the backend connects (its frames
     * may flow before the client's upgrade completed). A flow without policies keeps its direction's no-op slot.
     *
     * @param headers the handshake's headers (the HeaderSet), read-only, for the policies' context
     */
    public void messagePolicies(MessageChains chains, Map<String, List<String>> headers) {
        if (chains.isEmpty()) {
            return;
        }
        SessionContext context = new SessionContext(this, headers);
        for (Side side : Side.values()) {
            MessageChain chain = chains.of(side == Side.CLIENT ? Flow.CLIENT_TO_BACKEND : Flow.BACKEND_TO_CLIENT);
            if (!chain.isEmpty()) {
                direction(side).hook(new MessagePolicyHook(chain, context, route.maxBufferedMessageBytes(),
                        (toSender, toOther, cause) -> closeByPolicy(cause, side, toSender, toOther)));
            }
        }
    }

    // ---- lifecycle -------------------------------------------------------------------------------

    /** The backend session is open. False when the pair was given up meanwhile: close it then. */
    public boolean backendOpened(Peer peer, String negotiatedSubprotocol) {
        return backendOpened(peer, ReadGate.NONE, negotiatedSubprotocol);
    }

    /** @param reads pauses and resumes reading the backend's frames */
    public boolean backendOpened(Peer peer, ReadGate reads, String negotiatedSubprotocol) {
        synchronized (lock) {
            if (state != State.CONNECTING) {
                return false;
            }
            subprotocol = negotiatedSubprotocol == null ? "" : negotiatedSubprotocol;
        }
        fromBackend.sourceOpened(reads);
        fromClient.attach(peer);
        return true;
    }

    /** The client's upgrade completed. If the backend ended meanwhile, the client gets that close now. */
    public void clientOpened(Peer peer) {
        clientOpened(peer, ReadGate.NONE);
    }

    /** @param reads pauses and resumes reading the client's frames */
    public void clientOpened(Peer peer, ReadGate reads) {
        boolean late;
        synchronized (lock) {
            late = state.ended(Side.CLIENT);
            if (!late) {
                move(State.Event.CLIENT_ATTACHED);
            }
        }
        if (late) {
            peer.close(GIVEN_UP.code(), GIVEN_UP.reason()); // the pair was given up before the upgrade completed
            return;
        }
        fromClient.sourceOpened(reads);
        fromBackend.attach(peer); // what the backend sent meanwhile, and its close if it ended, go now
    }

    /** The client will never attach (its upgrade failed): the backend is told the client went away. */
    public void clientAbandoned() {
        sideEnded(Side.CLIENT, CloseCodes.ABNORMAL, "");
    }

    /** A side's connection ended, with the code it sent (or 1005/1006 when it sent none). */
    public void sideEnded(Side side, int code, String reason) {
        State before;
        State after;
        synchronized (lock) {
            if (state.ended(side)) {
                return;
            }
            endedBy(side.label(), code, side.label());
            before = move(side == Side.CLIENT ? State.Event.CLIENT_ENDED : State.Event.BACKEND_ENDED);
            after = state;
        }
        direction(side.other()).release(); // nothing more can be sent to the side that ended
        if (before.relaying()) {
            // The other side gets the close after what the ended side sent before it.
            direction(side).forwardClose(CloseCodes.forward(side, code, reason));
        }
        if (after.finished()) {
            finished();
        }
    }

    /** A side failed (I/O error, or a send to it failed): close it if it is still open, then treat it as gone. */
    public void sideFailed(Side side, Throwable cause) {
        LOG.log(Level.FINE, cause, () -> "session " + id + ": the " + side.label() + " side failed");
        sideGone(side, CloseCodes.INTERNAL_ERROR, side == Side.CLIENT ? "gateway error" : CloseCodes.BACKEND_GONE);
    }

    /**
     * A send to {@code to} failed. If that side's container has read its close already (and refuses sends since it
     * answered it), the side is not failed: nothing more is sent to it, and its close event, which the container
     * reports after the frames it read before the close, ends it with its own code. Undertow answers a client's
     * close before it hands over the messages read ahead of it, Open Liberty just before it reports the close;
     * taking the failure for a vanished client told the backend {@code 1001 client went away} instead of the
     * client's code, and on Undertow dropped the messages still to come.
     */
    private void sendFailed(Side to, Throwable cause) {
        Direction toSide = direction(to.other());
        Peer peer = toSide.peer();
        if (peer != null && peer.closing()) {
            LOG.log(Level.FINE, cause, () -> "session " + id + ": a send to the " + to.label()
                    + " failed after its close was read; its close event ends it");
            toSide.release();
            return;
        }
        sideFailed(to, cause);
    }

    /**
     * A side is gone without a close of its own: the other side is told (as for 1006), then the gone side's
     * session is closed with {@code code}. In that order, because containers report a close the gateway
     * makes as that side's close event, synchronously; it must not be passed on as if the side had sent it.
     */
    private void sideGone(Side side, int code, String reason) {
        Peer peer;
        synchronized (lock) {
            peer = state.ended(side) ? null : direction(side.other()).peer();
        }
        sideEnded(side, CloseCodes.ABNORMAL, "");
        if (peer != null) {
            peer.close(code, reason);
        }
    }

    /**
     * The gateway ends the pair (idle timeout, a limit, an administrator): each side gets its own close, at
     * once (what is queued for it is dropped). The pair is finished when both sides have confirmed.
     */
    public void close(Close toClient, Close toBackend) {
        close("gateway", toClient, toBackend);
    }

    /** As {@link #close(Close, Close)}, naming the cause for metrics and the access log (see {@link Ending}). */
    public void close(String cause, Close toClient, Close toBackend) {
        synchronized (lock) {
            endedBy("gateway", toClient.code(), cause);
            if (!move(State.Event.GATEWAY_CLOSED).relaying()) {
                return;
            }
        }
        fromBackend.closeNow(toClient);
        fromClient.closeNow(toBackend);
    }

    /**
     * A message policy ends the pair over what {@code sender} sent: the sender is closed at once (what is queued
     * for it is dropped), the other side after the messages the policies let through before (as when a side
     * closes by itself), so that a message already accepted is not lost to the side that did nothing wrong.
     */
    private void closeByPolicy(String cause, Side sender, Close toSender, Close toOther) {
        synchronized (lock) {
            endedBy("gateway", (sender == Side.CLIENT ? toSender : toOther).code(), cause);
            if (!move(State.Event.GATEWAY_CLOSED).relaying()) {
                return;
            }
        }
        direction(sender.other()).closeNow(toSender);
        direction(sender).forwardClose(toOther);
    }

    /** Gives up on a pair whose sides did not confirm their close in time: whatever is still open is closed. */
    public void finishNow() {
        State before;
        synchronized (lock) {
            before = move(State.Event.GIVEN_UP);
            if (before.finished()) {
                return;
            }
        }
        for (Side side : Side.values()) {
            Peer peer = direction(side.other()).peer();
            if (!before.ended(side) && peer != null) {
                peer.close(ABANDONED.code(), ABANDONED.reason());
            }
        }
        finished();
    }

    private void finished() {
        fromClient.release();
        fromBackend.release();
        toBackend.cancel();
        toClient.cancel();
        onFinished.accept(this);
    }

    // ---- frames ----------------------------------------------------------------------------------

    public void text(Side from, String part, boolean last) {
        relay(from, Frame.text(part, last));
    }

    public void binary(Side from, ByteBuffer part, boolean last) {
        relay(from, Frame.binary(part, last));
    }

    /**
     * A pong answering the gateway's keepalive ping is the gateway's. Other (unsolicited) pongs are the
     * endpoints' heartbeats and are passed on. Pings are answered by each side's own container.
     */
    public void pong(Side from, ByteBuffer applicationData) {
        long now = System.nanoTime();
        keepalive.heard(from, now);
        if (keepalive.answers(from, applicationData) || !flows(from)) {
            return;
        }
        lastActivityNanos = now;
        direction(from).forward(Frame.pong(applicationData));
    }

    private void relay(Side from, Frame frame) {
        if (!flows(from)) {
            return; // data after a close is dropped, as RFC 6455 has it
        }
        long now = System.nanoTime();
        lastActivityNanos = now;
        keepalive.heard(from, now);
        Direction direction = direction(from);
        if (!direction.admit(frame.length(), frame.last())) {
            close("message_too_big", from == Side.CLIENT ? TOO_BIG : PEER_TOO_BIG,
                    from == Side.CLIENT ? PEER_TOO_BIG : TOO_BIG);
            return;
        }
        Pushes pushes = from == Side.CLIENT ? toBackend : toClient;
        pushes.before(frame);
        direction.forward(frame);
        pushes.after(frame);
    }

    // ---- an administrator's pushes ---------------------------------------------------------------

    /**
     * Pushes a whole message to {@code to}, at a message boundary of the frames relayed that way (see
     * {@link Pushes}): waits at most {@code maxWaitNanos} for a fragmented message under way to end.
     */
    public CompletableFuture<Pushes.Outcome> push(Side to, Frame message, long maxWaitNanos) {
        if (state != State.OPEN) {
            return CompletableFuture.completedFuture(Pushes.Outcome.CLOSED);
        }
        return (to == Side.BACKEND ? toBackend : toClient).push(message, maxWaitNanos);
    }

    /** Pushed messages waiting for a message boundary, both ways (0 to 2). */
    public int pushesWaiting() {
        return (toBackend.waiting() ? 1 : 0) + (toClient.waiting() ? 1 : 0);
    }

    /** Drops pushes that waited past their deadline for a message boundary (from the session timer). */
    void expirePushes(long nowNanos) {
        toBackend.expire(nowNanos);
        toClient.expire(nowNanos);
    }

    /** Whether frames from this side are relayed now (backend frames also while the client's upgrade completes). */
    private boolean flows(Side from) {
        State s = state;
        return s == State.OPEN || (s == State.CONNECTING && from == Side.BACKEND);
    }

    // ---- keepalive -------------------------------------------------------------------------------

    /**
     * One keepalive step for one side, from the session timer: a side silent for {@code intervalNanos} gets a
     * ping; a side that has not answered a ping within {@code intervalNanos}, or to which sends have made no
     * progress that long, is gone. Never waits: the ping is an asynchronous send like any other.
     */
    void keepAlive(Side side, long nowNanos, long intervalNanos) {
        if (state != State.OPEN) {
            return;
        }
        Direction toSide = direction(side.other());
        long stalledSince = toSide.stalledSinceNanos();
        if (stalledSince != 0 && nowNanos - stalledSince > intervalNanos) {
            sideUnresponsive(side, "a send to it made no progress");
            return;
        }
        switch (keepalive.check(side, nowNanos, intervalNanos)) {
            case GONE -> sideUnresponsive(side, "it did not answer a ping");
            case PING -> {
                // Busy receiving (or in the middle of a fragmented message): it is not silent; try next time.
                if (!toSide.sendIfIdle(Frame.ping(Keepalive.payload()))) {
                    keepalive.pingSkipped(side);
                }
            }
            case NOTHING -> { }
        }
    }

    /** The payload of the gateway's keepalive pings (a fresh, writable copy). */
    static ByteBuffer keepAlivePayload() {
        return Keepalive.payload();
    }

    private void sideUnresponsive(Side side, String why) {
        LOG.fine(() -> "session " + id + ": the " + side.label() + " side is gone: " + why);
        synchronized (lock) {
            endedBy("gateway", CloseCodes.GOING_AWAY, "keepalive");
        }
        sideGone(side, CloseCodes.GOING_AWAY, "keepalive timeout");
    }

    private Direction direction(Side from) {
        return from == Side.CLIENT ? fromClient : fromBackend;
    }

    // ---- what the registry, the endpoints, the admin API and metrics read -----------------------

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

    /** Where the sides' {@link SessionPeer}s run the sends that Jakarta WebSocket offers only blocking. */
    public Executor blockingSends() {
        return blockingSends;
    }

    long stateSinceNanos() {
        return stateSinceNanos;
    }

    /** When a data frame or an unsolicited pong last passed, either way ({@link System#nanoTime()}). */
    public long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** When a data frame or an unsolicited pong last passed, either way (or the pair was opened). */
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

    /** How often the client's reads were paused because the bytes in flight to the backend passed the budget. */
    public long readPauses() {
        return fromClient.pauses();
    }

    /** The direction carrying {@code side}'s frames to the other side: its counters, budget and hook slot. */
    public Direction flowFrom(Side side) {
        return direction(side);
    }
}
