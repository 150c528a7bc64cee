package dev.wsgateway.edge.liberty;

import dev.wsgateway.relay.CloseCodes;
import jakarta.websocket.Session;
import java.util.function.BooleanSupplier;

/**
 * How Open Liberty reports a client connection that ended without a close frame: as 1011 with a reason of its
 * own ("Connection closed: Read failed. ... local=/host:port remote=/host:port"), where WildFly and Payara report
 * 1006. Passed on as it is, that would tell the backend 1011 and the gateway's own addresses; it is taken as
 * what it is: 1006, no close frame. Harmless elsewhere: no other server sends such a reason.
 */
public final class LibertyCloses {
    private LibertyCloses() {
    }

    /** The code a client's close event stands for. */
    public static int received(int code, String reason) {
        if (code == CloseCodes.INTERNAL_ERROR && reason != null && reason.contains("local=/")
                && reason.contains(" remote=/")) {
            return CloseCodes.ABNORMAL;
        }
        return code;
    }

    /**
     * Whether Open Liberty has stopped taking sends on the session because its close is under way (it answers a
     * client's close and then reports it; a send meanwhile fails with "write not allowed"): Liberty then reports the
     * close, or the vanished client as 1011 with its addresses. Only on Liberty's sessions; false elsewhere.
     */
    public static BooleanSupplier closing(Session session) {
        if (!session.getClass().getName().startsWith("com.ibm.ws.")) {
            return () -> false;
        }
        return () -> !session.isOpen();
    }
}
