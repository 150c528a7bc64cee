package dev.wsgateway.edge.tyrus;

import jakarta.websocket.Session;
import java.util.function.BooleanSupplier;

/**
 * How a Tyrus server session (Payara's, GlassFish's) takes a client's close: when the close frame is read, Tyrus
 * marks the session closed and then, on the same thread, calls the endpoint's {@code onClose}; a send from another
 * thread in between (a backend's message relayed to the client) fails with "The connection has been closed". Taken
 * for a vanished client, that told the backend {@code 1001 client went away} instead of the client's own code. A
 * closed Tyrus session's close event is always coming (Tyrus reports a dropped connection as 1006 the same way), so
 * a send that fails once the session is closed is no failure of the client's: its close event ends it.
 */
public final class TyrusCloses {
    private static final String SESSION_CLASS = "org.glassfish.tyrus.core.TyrusSession";

    private TyrusCloses() {
    }

    /** Whether {@code session} is a Tyrus session (of whichever class loader's Tyrus). */
    public static boolean isTyrus(Session session) {
        return session.getClass().getName().equals(SESSION_CLASS);
    }

    /** Whether the session's close is under way and its close event coming; false on other servers' sessions. */
    public static BooleanSupplier closing(Session session) {
        if (!isTyrus(session)) {
            return () -> false;
        }
        return () -> !session.isOpen();
    }
}
