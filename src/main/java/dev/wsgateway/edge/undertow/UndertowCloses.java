package dev.wsgateway.edge.undertow;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How Undertow (WildFly) ends a client session, and what keeps the client's last messages ahead of its close.
 *
 * <p>Undertow reads a session's frames on its I/O thread and hands each message to the endpoint through the
 * session's ordered executor, on a worker thread (by default: with server-configs/wildfly/handler-threads.cli the
 * handlers run on the I/O thread, where this ordering question does not arise). A close frame it answers at once,
 * on the I/O thread; once both close frames have passed, the connection closes and a close task calls the endpoint's {@code onClose}
 * on the I/O thread, outside that executor: ahead of messages read before the close frame and still waiting
 * in the executor (and a read error calls {@code onError} the same way). And once the close was answered, a
 * send to the client fails.
 *
 * <p>So, on Undertow: the endpoint's close and error events go through the session's ordered executor
 * ({@link #events}), behind the messages handed over before them; and a send that fails because the client's
 * close frame (or the end of its stream) was already read is no failure of the client ({@link #closing}): its
 * close event is on its way. Both reached by reflection (public Undertow methods, not Jakarta API). Other
 * containers hand frames over one at a time, the close last, and get the plain behaviour.
 */
public final class UndertowCloses {
    private static final Logger LOG = Logger.getLogger(UndertowCloses.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final Executor INLINE = Runnable::run;
    private static final BooleanSupplier NEVER = () -> false;
    private static final ClassValue<Method> EXECUTOR = UndertowReads.method("getExecutor");
    private static final ClassValue<Method> CLOSE_FRAME_RECEIVED = UndertowReads.method("isCloseFrameReceived");

    private UndertowCloses() {
    }

    /**
     * Where the session's close and error events are handled: behind the messages the container handed over
     * before them (Undertow's ordered executor of the session, when it dispatches to worker threads); inline on
     * other containers, and on Undertow when the handlers run on the I/O thread (handler-threads.cli), which has
     * handled the messages read before the close by the time it reads the close.
     */
    public static Executor events(Session session) {
        if (!UndertowReads.isUndertow(session) || !UndertowReads.dispatchesToWorkers(session.getContainer())) {
            return INLINE;
        }
        try {
            Executor ordered = (Executor) EXECUTOR.get(session.getClass()).invoke(session);
            return event -> {
                try {
                    ordered.execute(event);
                } catch (RejectedExecutionException e) {
                    event.run(); // the worker is shutting down
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            warn(e);
            return INLINE;
        }
    }

    /**
     * Whether the container has stopped reading the client, because its close frame arrived (or its stream ended),
     * so that the client's close event is coming after the messages read before it: always false elsewhere.
     */
    public static BooleanSupplier closing(Session session) {
        if (!UndertowReads.isUndertow(session)) {
            return NEVER;
        }
        try {
            Object channel = UndertowReads.channel(session);
            Method closeFrameReceived = CLOSE_FRAME_RECEIVED.get(channel.getClass());
            return () -> {
                try {
                    return (Boolean) closeFrameReceived.invoke(channel);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            warn(e);
            return NEVER;
        }
    }

    private static void warn(Exception e) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "ws-gateway: cannot reach Undertow's WebSocket session (Undertow internals "
                    + "changed?); the last messages a client sends before its close may be lost", e);
        }
    }
}
