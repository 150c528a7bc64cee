package dev.wsgateway.policy.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.identity.ApiKey;
import dev.wsgateway.identity.ApiKeyStore;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.Revocations;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API keys issued by {@code /api/admin/keys}, presented in a header (default {@code X-API-Key}) or, for
 * browsers, a query parameter (default {@code api_key}). Missing, unknown, expired or revoked: 401; a key
 * limited to other routes: 403.
 * <pre>{"type": "apiKey", "header": "X-API-Key", "queryParameter": "api_key"}</pre>
 */
public final class ApiKeyPolicy implements HandshakePolicy {
    private static final String CHALLENGE = "ApiKey realm=\"ws-gateway\"";
    private final ApiKeyStore keys;
    private final Revocations revocations;
    private final String header;
    private final String queryParameter;

    ApiKeyPolicy(ApiKeyStore keys, Revocations revocations, String header, String queryParameter) {
        this.keys = keys;
        this.revocations = revocations;
        this.header = header;
        this.queryParameter = queryParameter;
    }

    @Override
    public String type() {
        return "apiKey";
    }

    @Override
    public int order() {
        return PolicyOrder.API_KEY;
    }

    @Override
    public HandshakeDecision check(HandshakeContext context) {
        String fromHeader = context.header(header);
        String fromQuery = queryParameter == null ? null : context.queryParameter(queryParameter);
        if (fromHeader != null && fromQuery != null && !fromHeader.trim().equals(fromQuery.trim())) {
            return HandshakeDecision.reject(400, "Two different API keys were presented.");
        }
        String presented = fromHeader != null ? fromHeader : fromQuery;
        if (presented == null || presented.isBlank()) {
            return unauthorized("An API key is required (header " + header
                    + (queryParameter == null ? "" : " or query parameter " + queryParameter) + ").");
        }
        if (fromHeader != null) {
            context.credentialHeader(header);
        }
        if (fromQuery != null) {
            context.credentialQueryParameter(queryParameter);
        }
        Optional<ApiKey> found = keys.find(presented);
        if (found.isEmpty()) {
            return unauthorized("The API key is not valid.");
        }
        ApiKey key = found.get();
        if (key.revokedAt() != null || revocations.apiKeyRevoked(key.id())) {
            return unauthorized("The API key has been revoked.");
        }
        if (!key.usableAt(context.now())) {
            return unauthorized("The API key has expired.");
        }
        if (!key.allowsRoute(context.route().id())) {
            return HandshakeDecision.reject(403, "The API key is not allowed on this route.");
        }
        context.apiKey(key.id());
        context.authenticated("apiKey", key.name(), null);
        return HandshakeDecision.permit();
    }

    private static HandshakeDecision unauthorized(String detail) {
        return HandshakeDecision.reject(401, detail).withHeader("WWW-Authenticate", CHALLENGE);
    }

    @Override
    public JsonObject describe() {
        var b = JSON.createObjectBuilder().add("header", header);
        return (queryParameter == null ? b.addNull("queryParameter") : b.add("queryParameter", queryParameter)).build();
    }

    /**
     * Defaults: {@code gateway.api-key.header} ({@code X-API-Key}), {@code gateway.api-key.query-parameter}
     * ({@code api_key}; a route's {@code ""} or the setting {@code none} accepts the header only).
     */
    @Dependent
    public static class Factory implements PolicyFactory {
        private static final Set<String> FIELDS = Set.of("header", "queryParameter");
        private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
        private final GatewayDefaults defaults;
        private final ApiKeyStore keys;
        private final Revocations revocations;

        @Inject
        public Factory(GatewayDefaults defaults, ApiKeyStore keys, Revocations revocations) {
            this.defaults = defaults;
            this.keys = keys;
            this.revocations = revocations;
        }

        @Override
        public String type() {
            return "apiKey";
        }

        @Override
        public HandshakePolicy create(JsonFields settings) {
            settings.rejectUnknown(FIELDS);
            String header = settings.string("header", false);
            if (header == null) {
                header = defaults.string("gateway.api-key.header", "X-API-Key");
            }
            if (!TOKEN.matcher(header).matches()) {
                settings.error("header", "must be an HTTP header name");
            }
            String query = settings.string("queryParameter", false);
            if (query == null) {
                // "none" in configuration, because a blank configuration value counts as unset
                query = defaults.string("gateway.api-key.query-parameter", "api_key");
                query = query.equalsIgnoreCase("none") ? "" : query;
            }
            return new ApiKeyPolicy(keys, revocations, header, query.isBlank() ? null : query);
        }
    }
}
