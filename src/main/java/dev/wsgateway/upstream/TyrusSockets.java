package dev.wsgateway.upstream;

import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.tyrus.core.TyrusWebSocket;

/**
 * Two fixes for Tyrus's JDK client transport that it offers no option for, reached through Tyrus 2.1.5's
 * fields: TCP_NODELAY on the socket, and a repair for a lost wake-up in its write queue. Also the way to a
 * session's {@link TyrusWebSocket}, for {@link TyrusParts}.
 *
 * <p>Turns Nagle's algorithm off on the socket of a Tyrus JDK-client session. Tyrus's JDK transport has no option
 * for it and never sets it, and the relay sends a message as the parts the server handed over (16 KB on
 * WildFly): with Nagle on, every part after the first waits for the backend's delayed ACK, and a 64 KiB
 * message took 44 ms instead of 1 ms. The socket is reached through Tyrus 2.1.5's fields (session ->
 * remote endpoint -> web socket -> protocol handler -> writer -> filter chain -> transport filter); if a Tyrus
 * upgrade moves them, the gateway logs it once and carries on with Nagle on. {@code TyrusSocketsTest} fails
 * then, so the pinned version cannot change unnoticed.
 */
final class TyrusSockets {
    private static final Logger LOG = Logger.getLogger(TyrusSockets.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicBoolean REPAIR_WARNED = new AtomicBoolean();
    private static final Runnable NO_REPAIR = () -> { };

    /**
     * The fields found, by class and name, so that a connect does not walk class hierarchies (and throw and
     * catch on every miss) again. A few of the WAR's own Tyrus classes, so it stays small.
     */
    private static final Map<FieldKey, Field> FIELDS = new ConcurrentHashMap<>();

    private record FieldKey(Class<?> type, String name) {
    }

    private TyrusSockets() {
    }

    /** Sets TCP_NODELAY on the session's socket; false (logged once) when the socket cannot be reached. */
    static boolean noDelay(Session session) {
        try {
            channel(session).setOption(StandardSocketOptions.TCP_NODELAY, true);
            return true;
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "ws-gateway: cannot set TCP_NODELAY on backend connections (Tyrus internals "
                        + "changed?); large messages to backends will be slower", e);
            }
            return false;
        }
    }

    static AsynchronousSocketChannel channel(Session session) throws ReflectiveOperationException {
        return (AsynchronousSocketChannel) field(filter(session, "TransportFilter"), "socketChannel");
    }

    /**
     * The repair for a lost wake-up in Tyrus's write queue (its {@code TaskQueueFilter}; eclipse-ee4j/tyrus#678,
     * open since 2019, the same code in 2.2). A write is queued and then run by whoever takes the queue's lock.
     * The thread that finishes a write polls for the next one and, finding none, releases the lock; a write
     * queued by another thread between that poll and that release sees the lock taken, leaves the write to its
     * holder, and the write then waits forever: the direction stalls until keepalive gives the session up.
     * The relay met it in the benchmark (one 64 KiB message on one of 50 busy connections, in one run of three).
     * The returned action makes the check the
     * queue misses: when the lock is free and a write is waiting, take the lock and run the queue. It is cheap
     * and harmless when nothing is stuck. A no-op (logged once) when Tyrus's fields cannot be reached.
     */
    static Runnable writeQueueRepair(Session session) {
        try {
            Object queueFilter = filter(session, "TaskQueueFilter");
            Queue<?> queue = (Queue<?>) field(queueFilter, "taskQueue");
            AtomicBoolean lock = (AtomicBoolean) field(queueFilter, "taskLock");
            Method processTask = queueFilter.getClass().getDeclaredMethod("processTask");
            processTask.setAccessible(true);
            return () -> {
                if (!lock.get() && !queue.isEmpty() && lock.compareAndSet(false, true)) {
                    try {
                        processTask.invoke(queueFilter);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        LOG.log(Level.FINE, "running Tyrus's write queue failed", e);
                    }
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (REPAIR_WARNED.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "ws-gateway: cannot reach Tyrus's write queue (Tyrus internals changed?); a "
                        + "backend write that Tyrus loses track of will wait for the keepalive to close its session", e);
            }
            return NO_REPAIR;
        }
    }

    /** The Tyrus web socket behind the session's remote endpoints (which hold it in a package-private field). */
    static TyrusWebSocket webSocket(Session session) throws ReflectiveOperationException {
        return (TyrusWebSocket) field(field(session, "basicRemote"), "webSocket");
    }

    /** The filter of the session's transport chain whose class has this simple name. */
    private static Object filter(Session session, String simpleName) throws ReflectiveOperationException {
        Object webSocket = webSocket(session);
        Object filter = field(field(field(webSocket, "protocolHandler"), "writer"), "downstreamFilter");
        while (!filter.getClass().getSimpleName().equals(simpleName)) {
            filter = field(filter, "downstreamFilter");
        }
        return filter;
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        Field field = FIELDS.computeIfAbsent(new FieldKey(target.getClass(), name), k -> find(k.type(), k.name()));
        if (field == null) {
            throw new NoSuchFieldException(name + " in " + target.getClass().getName());
        }
        Object value = field.get(target);
        if (value == null) {
            throw new NoSuchFieldException(name + " is null in " + target.getClass().getName());
        }
        return value;
    }

    private static Field find(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    f.setAccessible(true);
                    return f;
                }
            }
        }
        return null;
    }
}
