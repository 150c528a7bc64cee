package dev.wsgateway.upstream;

import dev.wsgateway.relay.SessionPeer;
import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.tyrus.core.TyrusWebSocket;
import org.glassfish.tyrus.spi.WriterInfo;
import org.glassfish.tyrus.spi.WriterInfo.MessageType;
import org.glassfish.tyrus.spi.WriterInfo.RemoteEndpointType;

/**
 * Asynchronous sends of message parts on a Tyrus session. Jakarta WebSocket sends a part only with a blocking
 * call; Tyrus's {@link TyrusWebSocket} (public, the object behind a session's remote endpoints) sends one and
 * returns a future, after framing and masking a copy of the data. The blocking call is exactly that plus a wait,
 * so the frames on the wire are the same. The futures are Tyrus's {@code TyrusFuture}, a {@link CompletableFuture}:
 * the relay is called back when a frame is written instead of waiting for it.
 */
final class TyrusParts implements SessionPeer.PartSender {
    private static final WriterInfo TEXT = new WriterInfo(MessageType.TEXT, RemoteEndpointType.ASYNC);
    private static final WriterInfo TEXT_PART = new WriterInfo(MessageType.TEXT_CONTINUATION, RemoteEndpointType.ASYNC);
    private static final WriterInfo BINARY = new WriterInfo(MessageType.BINARY, RemoteEndpointType.ASYNC);
    private static final WriterInfo BINARY_PART = new WriterInfo(MessageType.BINARY_CONTINUATION,
            RemoteEndpointType.ASYNC);
    private static final Logger LOG = Logger.getLogger(TyrusParts.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private final TyrusWebSocket webSocket;

    private TyrusParts(TyrusWebSocket webSocket) {
        this.webSocket = webSocket;
    }

    /**
     * The part sender of a Tyrus client session; null (logged once) when Tyrus's field cannot be reached: the
     * session's sends then block, as the Jakarta API's do.
     */
    static TyrusParts of(Session session) {
        try {
            return new TyrusParts(webSocket(session));
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "ws-gateway: cannot reach Tyrus's web socket (Tyrus internals changed?); "
                        + "sends to backends block until written, and on WildFly a backend that lags does not "
                        + "hold its client back", e);
            }
            return null;
        }
    }

    /** The Tyrus web socket behind the session's remote endpoints (which hold it in a package-private field). */
    static TyrusWebSocket webSocket(Session session) throws ReflectiveOperationException {
        Field remote = field(session.getClass(), "basicRemote");
        Object basic = remote.get(session);
        Field socket = field(basic.getClass(), "webSocket");
        return (TyrusWebSocket) socket.get(basic);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    f.setAccessible(true);
                    return f;
                }
            }
        }
        throw new NoSuchFieldException(name + " in " + type.getName());
    }

    @Override
    public CompletionStage<?> text(String part, boolean last) {
        return stage(webSocket.sendText(part, last, last ? TEXT : TEXT_PART));
    }

    @Override
    public CompletionStage<?> binary(ByteBuffer part, boolean last) {
        WriterInfo info = last ? BINARY : BINARY_PART;
        if (part.hasArray()) {
            return stage(webSocket.sendBinary(part.array(), part.arrayOffset() + part.position(), part.remaining(),
                    last, info));
        }
        return stage(webSocket.sendBinary(bytes(part), 0, part.remaining(), last, info));
    }

    @Override
    public CompletionStage<?> ping(ByteBuffer applicationData) {
        return stage(webSocket.sendPing(bytes(applicationData)));
    }

    @Override
    public CompletionStage<?> pong(ByteBuffer applicationData) {
        return stage(webSocket.sendPong(bytes(applicationData)));
    }

    private static byte[] bytes(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return copy;
    }

    private static CompletionStage<?> stage(Future<?> future) {
        if (future instanceof CompletionStage<?> stage) {
            return stage;
        }
        throw new IllegalStateException("Tyrus's send returned a " + future.getClass().getName()
                + ", not a CompletionStage (Tyrus internals changed?)");
    }
}
