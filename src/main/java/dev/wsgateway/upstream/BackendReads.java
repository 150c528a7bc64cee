package dev.wsgateway.upstream;

import dev.wsgateway.relay.ReadGate;
import dev.wsgateway.upstream.transport.BackendTransport;
import jakarta.websocket.Session;

/** The backend half of backpressure: reading from a backend session's connection stops and starts again. */
public final class BackendReads {
    private BackendReads() {
    }

    /**
     * The read gate of a backend session opened by {@link BackendConnector} (available from the endpoint's
     * {@code onOpen} on; pause and resume never block, from any thread); {@link ReadGate#NONE} for any other
     * session.
     */
    public static ReadGate of(Session backendSession) {
        Object gate = backendSession.getUserProperties().get(BackendTransport.READ_GATE);
        return gate instanceof ReadGate g ? g : ReadGate.NONE;
    }
}
