package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.message.MessageContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A value the {@code inject} policy reads from the session: {@code principal}, {@code subject}, {@code method},
 * {@code apiKeyId}, {@code identity}, {@code routeId}, {@code sessionId}, {@code clientAddress},
 * {@code claim:NAME} (a verified token's claim, any JSON type) or {@code header:NAME} (the handshake request's
 * first value of that header). Absent values are JSON null, so the backend always sees the field.
 */
record SessionValue(String spec, Kind kind, String name) {
    enum Kind { PRINCIPAL, SUBJECT, METHOD, API_KEY_ID, IDENTITY, ROUTE_ID, SESSION_ID, CLIENT_ADDRESS, CLAIM, HEADER }

    private static final Map<String, Kind> PLAIN = Map.of("principal", Kind.PRINCIPAL, "subject", Kind.SUBJECT,
            "method", Kind.METHOD, "apiKeyId", Kind.API_KEY_ID, "identity", Kind.IDENTITY, "routeId", Kind.ROUTE_ID,
            "sessionId", Kind.SESSION_ID, "clientAddress", Kind.CLIENT_ADDRESS);

    static final String NAMES = "principal, subject, method, apiKeyId, identity, routeId, sessionId, clientAddress, "
            + "claim:NAME, header:NAME";

    /** The value {@code spec} names, or null when it names none. */
    static SessionValue parse(String spec) {
        Kind plain = PLAIN.get(spec);
        if (plain != null) {
            return new SessionValue(spec, plain, null);
        }
        if (spec.startsWith("claim:") && spec.length() > "claim:".length()) {
            return new SessionValue(spec, Kind.CLAIM, spec.substring("claim:".length()));
        }
        if (spec.startsWith("header:") && spec.length() > "header:".length()) {
            return new SessionValue(spec, Kind.HEADER, spec.substring("header:".length()));
        }
        return null;
    }

    /** The value for this session: a String, a claim's Java value, or null. */
    Object read(MessageContext context) {
        Credentials credentials = context.credentials();
        return switch (kind) {
            case PRINCIPAL -> credentials.principal();
            case SUBJECT -> credentials.subject();
            case METHOD -> credentials.method();
            case API_KEY_ID -> credentials.apiKeyId();
            case IDENTITY -> credentials.identity(context.clientAddress());
            case ROUTE_ID -> context.routeId();
            case SESSION_ID -> context.sessionId();
            case CLIENT_ADDRESS -> context.clientAddress();
            case CLAIM -> credentials.claims().get(name);
            case HEADER -> header(context.headers(), name);
        };
    }

    private static String header(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        if (values == null) {
            // The context promises case-insensitive names; a plain map from elsewhere may not honour it.
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    values = entry.getValue();
                    break;
                }
            }
        }
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
