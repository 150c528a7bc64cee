package dev.wsgateway.route;

import java.util.List;

/** Gateway-wide settings a route falls back to when it does not set its own. */
public record RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                            int maxInFlightBytes, int pingIntervalSeconds, List<String> subprotocols,
                            int maxBufferedMessageBytes) {
    public RouteDefaults {
        subprotocols = List.copyOf(subprotocols);
    }

    /** Defaults with the default assembly limit ({@link Route#DEFAULT_MAX_BUFFERED_MESSAGE_BYTES}). */
    public RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                         int maxInFlightBytes, int pingIntervalSeconds, List<String> subprotocols) {
        this(connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes, maxInFlightBytes, pingIntervalSeconds,
                subprotocols, Route.DEFAULT_MAX_BUFFERED_MESSAGE_BYTES);
    }

    /** Defaults with the default in-flight budget ({@link Route#DEFAULT_MAX_IN_FLIGHT_BYTES}). */
    public RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                         int pingIntervalSeconds, List<String> subprotocols) {
        this(connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes, Route.DEFAULT_MAX_IN_FLIGHT_BYTES,
                pingIntervalSeconds, subprotocols);
    }
}
