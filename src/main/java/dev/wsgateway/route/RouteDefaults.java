package dev.wsgateway.route;

import java.util.List;

/** Gateway-wide settings a route falls back to when it does not set its own ({@code maxSessionSeconds} 0: unlimited). */
public record RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                            int maxInFlightBytes, int pingIntervalSeconds, List<String> subprotocols,
                            int maxBufferedMessageBytes, int maxSessionSeconds) {
    public RouteDefaults {
        subprotocols = List.copyOf(subprotocols);
    }

    /** Defaults without a maximum session age. */
    public RouteDefaults(int connectTimeoutMillis, int idleTimeoutSeconds, int maxMessageBytes,
                         int maxInFlightBytes, int pingIntervalSeconds, List<String> subprotocols,
                         int maxBufferedMessageBytes) {
        this(connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes, maxInFlightBytes, pingIntervalSeconds,
                subprotocols, maxBufferedMessageBytes, 0);
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
