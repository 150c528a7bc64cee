package dev.wsgateway.route;

import java.util.List;

/** Gateway-wide settings a route falls back to when it does not set its own. */
public record RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                            int pingIntervalSeconds, List<String> subprotocols) {
    public RouteDefaults {
        subprotocols = List.copyOf(subprotocols);
    }
}
