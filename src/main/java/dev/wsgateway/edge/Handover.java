package dev.wsgateway.edge;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.route.Route;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * What the upgrade filter decided for one handshake (with the request's headers, the HeaderSet, as the
 * policies saw them: case-insensitive and read-only), handed to the {@link GatewayConfigurator} on the
 * same thread: the container calls the configurator from inside {@code upgradeHttpToWebSocket}.
 */
record Handover(Route route, RelaySession relay, String subprotocol, Principal principal, Credentials credentials,
                Map<String, List<String>> headers) {
    private static final ThreadLocal<Handover> CURRENT = new ThreadLocal<>();

    static Handover current() {
        return CURRENT.get();
    }

    interface Upgrade {
        void run() throws Exception;
    }

    void during(Upgrade upgrade) throws Exception {
        CURRENT.set(this);
        try {
            upgrade.run();
        } finally {
            CURRENT.remove();
        }
    }
}
