package dev.wsgateway.relay;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Peer} over a Jakarta WebSocket session, the client's (server side) or the backend's (Tyrus client).
 * No call blocks the caller:
 * <ul>
 * <li>with a {@link PartSender} (the container's own asynchronous part sends, Tyrus's), every frame goes
 *     through it, pipelined;</li>
 * <li>otherwise a whole message (a part that is both first and last) goes through {@link RemoteEndpoint.Async}
 *     with a {@link SendHandler}, one at a time. Jakarta WebSocket has no asynchronous send of a part of a
 *     message, nor of a ping or pong: those are the blocking {@link RemoteEndpoint.Basic} calls, run on the
 *     {@code blockingSends} executor (a gateway thread, never the caller's), one at a time too.</li>
 * </ul>
 * The relay keeps one send in flight to a non-pipelining peer, so sends never overlap on the session.
 */
public final class SessionPeer implements Peer {
    private static final Logger LOG = Logger.getLogger(SessionPeer.class.getName());

    /**
     * A container's asynchronous sends of a message's parts and of control frames. Each returns once the frame
     * is framed (a copy of the payload taken), and its stage completes when it is written. Parts go out in the
     * order given.
     */
    public interface PartSender {
        CompletionStage<?> text(String part, boolean last);

        CompletionStage<?> binary(ByteBuffer part, boolean last);

        CompletionStage<?> ping(ByteBuffer applicationData);

        CompletionStage<?> pong(ByteBuffer applicationData);
    }

    private final Session session;
    private final PartSender parts;
    private final Executor blockingSends;
    private final BooleanSupplier closing;
    /** Between the first and the last part of a message sent to this peer; touched by one send at a time. */
    private boolean midMessage;

    /** A peer for a container with no asynchronous part sends (every server's client sessions). */
    public SessionPeer(Session session, Executor blockingSends) {
        this(session, null, blockingSends);
    }

    /** @param parts the container's asynchronous part sends; null when it has none */
    public SessionPeer(Session session, PartSender parts, Executor blockingSends) {
        this(session, parts, blockingSends, () -> false);
    }

    /**
     * @param closing the container's word that the session's close was read and its close event is coming (see
     *                {@link Peer#closing()})
     */
    public SessionPeer(Session session, PartSender parts, Executor blockingSends, BooleanSupplier closing) {
        this.session = session;
        this.parts = parts;
        this.blockingSends = blockingSends;
        this.closing = closing;
    }

    @Override
    public boolean closing() {
        return closing.getAsBoolean();
    }

    @Override
    public boolean pipelines() {
        return parts != null;
    }

    @Override
    public boolean retainsBuffers() {
        return parts == null;
    }

    @Override
    public void sendText(String part, boolean last, Sent sent) {
        if (parts != null) {
            when(() -> parts.text(part, last), sent);
        } else if (last && !midMessage) {
            session.getAsyncRemote().sendText(part, handler(sent));
        } else {
            midMessage = !last;
            blocking(() -> session.getBasicRemote().sendText(part, last), sent);
        }
    }

    @Override
    public void sendBinary(ByteBuffer part, boolean last, Sent sent) {
        if (parts != null) {
            when(() -> parts.binary(part, last), sent);
        } else if (last && !midMessage) {
            session.getAsyncRemote().sendBinary(part, handler(sent));
        } else {
            midMessage = !last;
            blocking(() -> session.getBasicRemote().sendBinary(part, last), sent);
        }
    }

    @Override
    public void sendPing(ByteBuffer applicationData, Sent sent) {
        if (parts != null) {
            when(() -> parts.ping(applicationData), sent);
        } else {
            blocking(() -> session.getBasicRemote().sendPing(applicationData), sent);
        }
    }

    @Override
    public void sendPong(ByteBuffer applicationData, Sent sent) {
        if (parts != null) {
            when(() -> parts.pong(applicationData), sent);
        } else {
            blocking(() -> session.getBasicRemote().sendPong(applicationData), sent);
        }
    }

    private interface BlockingSend {
        void run() throws IOException;
    }

    private void blocking(BlockingSend send, Sent sent) {
        blockingSends.execute(() -> {
            try {
                send.run();
            } catch (IOException | RuntimeException e) {
                sent.completed(e);
                return;
            }
            sent.completed(null);
        });
    }

    private static void when(java.util.function.Supplier<CompletionStage<?>> send, Sent sent) {
        send.get().whenComplete((result, failure) -> sent.completed(failure));
    }

    private static SendHandler handler(Sent sent) {
        return (SendResult result) -> sent.completed(result.isOK() ? null
                : result.getException() != null ? result.getException() : new IOException("the send failed"));
    }

    /**
     * Closes the session. A container's {@link Session#close} is a blocking call (it writes the close frame, and
     * Open Liberty's waits for a write under way), and the relay calls it from wherever the other side's frame or
     * close arrived, a backend selector thread included, which must never park: so a session without a
     * {@link PartSender} (a client's) is closed on the {@code blockingSends} executor. A session with one (the
     * backend's, on the gateway's own transport) writes its close frame without waiting, and is closed here: a
     * thread hand-off less per session.
     */
    @Override
    public void close(int code, String reason) {
        if (!session.isOpen()) {
            return;
        }
        CloseReason close = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), CloseCodes.truncate(reason));
        Runnable closing = () -> {
            try {
                session.close(close);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing a session that is already going", e);
            }
        };
        if (parts != null) {
            closing.run();
            return;
        }
        try {
            blockingSends.execute(closing);
        } catch (RejectedExecutionException e) {
            closing.run(); // the registry is shutting down: close here
        }
    }
}
