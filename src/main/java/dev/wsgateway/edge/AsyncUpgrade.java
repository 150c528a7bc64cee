package dev.wsgateway.edge;

import jakarta.websocket.server.ServerContainer;

/**
 * Whether a container can upgrade a request to WebSocket on an async dispatch, after the request was in
 * servlet async processing while the backend connected.
 *
 * <p>WildFly (Undertow) and Open Liberty can. Payara cannot (found by {@code AsyncHandshakeIT}): its Catalina
 * {@code Request.upgrade} suspends the Grizzly response, which async processing already did ("Already
 * Suspended"), and it starts the upgrade handler only at the end of the original request's pipeline, never
 * after a dispatch. There the handshake waits for its backend on its request thread, as before, under the
 * thread-sized limits ({@code gateway.handshake.max-waiting-on-threads}).
 */
final class AsyncUpgrade {
    private AsyncUpgrade() {
    }

    static boolean possibleOn(ServerContainer container) {
        // Tyrus's servlet integration is the WebSocket container of Payara (and GlassFish)
        return container != null && !container.getClass().getName().startsWith("org.glassfish.tyrus.servlet.");
    }
}
