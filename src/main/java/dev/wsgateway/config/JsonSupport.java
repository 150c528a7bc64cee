package dev.wsgateway.config;

import jakarta.json.spi.JsonProvider;

/**
 * The one JSON-P provider of the gateway, looked up once. Each static factory method of
 * {@code jakarta.json.Json} looks the provider up again ({@code JsonProvider.provider()}: a
 * {@code ServiceLoader} scan of the class path and an OSGi probe that throws and catches an exception),
 * which on the access log's path alone cost about a tenth of the CPU of a handshake.
 */
public final class JsonSupport {

    public static final JsonProvider JSON = JsonProvider.provider();

    private JsonSupport() {
    }
}
