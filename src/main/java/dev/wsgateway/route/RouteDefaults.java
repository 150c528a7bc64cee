package dev.wsgateway.route;

import java.util.List;

/** Gateway-wide settings a route falls back to when it does not set its own ({@code maxSessionSeconds} 0: unlimited). */
public record RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                            int maxInFlightBytes, int pingIntervalSeconds, int maxSessionSeconds,
                            List<String> subprotocols) {
    public RouteDefaults {
        subprotocols = List.copyOf(subprotocols);
    }

    /** Defaults without a maximum session age. */
    public RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                         int maxInFlightBytes, int pingIntervalSeconds, List<String> subprotocols) {
        this(connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes, maxInFlightBytes, pingIntervalSeconds, 0,
                subprotocols);
    }

    /** Defaults with the default in-flight budget ({@link Route#DEFAULT_MAX_IN_FLIGHT_BYTES}). */
    public RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                         int pingIntervalSeconds, List<String> subprotocols) {
        this(connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes, Route.DEFAULT_MAX_IN_FLIGHT_BYTES,
                pingIntervalSeconds, subprotocols);
    }
}
