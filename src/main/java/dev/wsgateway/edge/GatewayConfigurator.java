package dev.wsgateway.edge;

import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * The relay endpoint's configurator. Everything was decided by the upgrade filter before the container
 * got here; this hands the filter's decision to the session: the backend's subprotocol into the 101, and
 * the HeaderSet, route, principal and what the policies learned into the session's user properties, read-only.
 */
public class GatewayConfigurator extends ServerEndpointConfig.Configurator {

    /** Refuses handshakes that did not come through the upgrade filter (direct hits on the internal path). */
    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return Handover.current() != null;
    }

    /** Exactly what the backend selected, or none: the client must not be told anything else. */
    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        Handover handover = Handover.current();
        return handover == null ? "" : handover.subprotocol();
    }

    /** No extensions: frames are relayed as they are (compression would be re-done per hop and blur fragments). */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return List.of();
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        Handover handover = Handover.current();
        if (handover == null) {
            return;
        }
        Map<String, Object> properties = sec.getUserProperties();
        properties.put(SessionProperties.HANDSHAKE_HEADERS, handover.headers());
        properties.put(SessionProperties.ROUTE, handover.route());
        properties.put(SessionProperties.RELAY, handover.relay());
        if (handover.principal() != null) {
            properties.put(SessionProperties.PRINCIPAL, handover.principal());
        }
        properties.put(SessionProperties.CREDENTIALS, handover.credentials());
    }
}
