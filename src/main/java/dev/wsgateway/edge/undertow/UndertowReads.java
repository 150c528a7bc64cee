package dev.wsgateway.edge.undertow;

import dev.wsgateway.relay.ReadGate;
import jakarta.websocket.Session;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link ReadGate} of a client session on Undertow (WildFly). Undertow's Jakarta WebSocket layer reads a
 * session's frames on its I/O thread and queues each for the handler on a worker thread, without waiting for the
 * handler and without a limit: a client sending into a backend that does not read grew WildFly's memory by
 * about 200 MB a second. Its own channel can stop reading ({@code suspendReceives}, {@code resumeReceives} on
 * the session's {@code WebSocketChannel}, callable from any thread); the WAR reaches them by reflection, since
 * they are not Jakarta API. Other containers get {@link ReadGate#NONE}.
 */
public final class UndertowReads implements ReadGate {
    private static final Logger LOG = Logger.getLogger(UndertowReads.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    /**
     * The reflective methods, looked up once per class: a {@link Method} from {@code getMethod} is a fresh copy
     * each time, and one kept per session cost 88 bytes each for as long as the session lived.
     */
    private static final ClassValue<Method> WEB_SOCKET_CHANNEL = method("getWebSocketChannel");
    private static final ClassValue<Method> SUSPEND = method("suspendReceives");
    private static final ClassValue<Method> RESUME = method("resumeReceives");
    private final Object channel;
    private final Method suspend;
    private final Method resume;

    private UndertowReads(Object channel, Method suspend, Method resume) {
        this.channel = channel;
        this.suspend = suspend;
        this.resume = resume;
    }

    /** A public method without parameters of a class, looked up on first use (a lookup that failed throws again). */
    static ClassValue<Method> method(String name) {
        return new ClassValue<>() {
            @Override
            protected Method computeValue(Class<?> type) {
                try {
                    return type.getMethod(name);
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** The session's Undertow {@code WebSocketChannel}. */
    static Object channel(Session session) throws ReflectiveOperationException {
        return WEB_SOCKET_CHANNEL.get(session.getClass()).invoke(session);
    }

    /** Whether a container's object (a session, the server container) is Undertow's. */
    public static boolean isUndertow(Object containerObject) {
        return containerObject.getClass().getName().startsWith("io.undertow.");
    }

    /**
     * Where Undertow runs the handlers of the deployment whose server container this is: "I/O threads" or
     * "worker threads" (see server-configs/wildfly/handler-threads.cli).
     */
    public static String handlerThreads(Object serverContainer) {
        return dispatchesToWorkers(serverContainer) ? "worker threads" : "I/O threads";
    }

    /**
     * Whether Undertow hands each frame to a worker thread before the handler runs ({@code dispatch-to-worker},
     * WildFly's default), rather than running it on the I/O thread that read it; true when Undertow does not say.
     */
    public static boolean dispatchesToWorkers(Object serverContainer) {
        try {
            return (Boolean) serverContainer.getClass().getMethod("isDispatchToWorker").invoke(serverContainer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    /** The session's read gate: Undertow's channel controls, or {@link ReadGate#NONE} on other containers. */
    public static ReadGate of(Session session) {
        if (!isUndertow(session)) {
            return ReadGate.NONE;
        }
        try {
            Object channel = channel(session);
            return new UndertowReads(channel, SUSPEND.get(channel.getClass()), RESUME.get(channel.getClass()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "ws-gateway: cannot reach Undertow's WebSocket channel (Undertow internals "
                        + "changed?); a client sending faster than its backend reads holds a worker thread instead", e);
            }
            return ReadGate.NONE;
        }
    }

    @Override
    public void pause() {
        call(suspend);
    }

    @Override
    public void resume() {
        call(resume);
    }

    private void call(Method method) {
        try {
            method.invoke(channel);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            LOG.log(Level.FINE, "Undertow's " + method.getName() + " failed (the channel is closing?)", e);
        }
    }
}
