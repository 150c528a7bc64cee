package dev.wsgateway.edge;

import dev.wsgateway.edge.undertow.UndertowReads;
import jakarta.websocket.server.ServerContainer;

/**
 * Whether a container can upgrade a request to WebSocket on an async dispatch, after the request was in
 * servlet async processing while the backend connected.
 *
 * <p>WildFly (Undertow) can. Payara cannot (found by {@code AsyncHandshakeIT}): its Catalina
 * {@code Request.upgrade} suspends the Grizzly response, which async processing already did ("Already
 * Suspended"), and it starts the upgrade handler only at the end of the original request's pipeline, never
 * after a dispatch. There the handshake waits for its backend on its request thread, as before, under the
 * thread-sized limits ({@code gateway.handshake.max-waiting-on-threads}). Open Liberty upgrades on the
 * dispatch and relays, but {@code RelayIT} then loses a close or a concurrent handshake now and then (2 of 21
 * tests failed in each of two runs; green with the thread path), so Liberty takes the thread path too until
 * that is understood. Only the containers known to work are let through.
 */
final class AsyncUpgrade {
    private AsyncUpgrade() {
    }

    static boolean possibleOn(ServerContainer container) {
        return container != null && UndertowReads.isUndertow(container);
    }
}
