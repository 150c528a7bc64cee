package dev.wsgateway.upstream;

import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns Nagle's algorithm off on the socket of a Tyrus JDK-client session. Tyrus's JDK transport has no option
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
        Object webSocket = field(field(session, "basicRemote"), "webSocket");
        Object filter = field(field(field(webSocket, "protocolHandler"), "writer"), "downstreamFilter");
        while (!filter.getClass().getSimpleName().equals("TransportFilter")) {
            filter = field(filter, "downstreamFilter");
        }
        return (AsynchronousSocketChannel) field(filter, "socketChannel");
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        Field field = null;
        for (Class<?> c = target.getClass(); c != null && field == null; c = c.getSuperclass()) {
            try {
                field = c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        if (field == null) {
            throw new NoSuchFieldException(name + " in " + target.getClass().getName());
        }
        field.setAccessible(true);
        Object value = field.get(target);
        if (value == null) {
            throw new NoSuchFieldException(name + " is null in " + target.getClass().getName());
        }
        return value;
    }
}
