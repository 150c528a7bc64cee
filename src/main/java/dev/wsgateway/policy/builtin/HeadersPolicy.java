package dev.wsgateway.policy.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.ClientAddresses;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Shapes the backend's handshake request; in every chain, last. The client's end-to-end headers are
 * forwarded (not hop-by-hop ones, not the WebSocket handshake's own, not credentials the chain consumed
 * unless {@code forwardCredentials}); {@code X-Forwarded-For}, {@code -Proto} and {@code -Host} are set
 * (extending what trusted proxies sent); the authenticated principal goes in {@code principalHeader}; the
 * {@code add} headers are added. Any header value with CR, LF or NUL refuses the handshake: 400.
 * <pre>{"type": "headers", "principalHeader": "X-User", "forwardCredentials": false,
 *  "add": {"X-Tenant": "blue"}, "forwardClientHeaders": true}</pre>
 */
public final class HeadersPolicy implements HandshakePolicy {
    /** Never copied from the client: hop-by-hop (RFC 9110 7.6.1), the handshake's own, and what we set. */
    static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade",
            "content-length", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-protocol", "sec-websocket-accept", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "forwarded");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final ClientAddresses addresses;
    private final boolean forwardClientHeaders;
    private final boolean forwardCredentials;
    private final String principalHeader;
    private final Map<String, String> add;

    HeadersPolicy(ClientAddresses addresses, boolean forwardClientHeaders, boolean forwardCredentials,
                  String principalHeader, Map<String, String> add) {
        this.addresses = addresses;
        this.forwardClientHeaders = forwardClientHeaders;
        this.forwardCredentials = forwardCredentials;
        this.principalHeader = principalHeader;
        this.add = Map.copyOf(add);
    }

    @Override
    public String type() {
        return "headers";
    }

    @Override
    public int order() {
        return PolicyOrder.HEADERS;
    }

    @Override
    public HandshakeDecision check(HandshakeContext context) {
        Set<String> skip = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        skip.addAll(NOT_FORWARDED);
        skip.addAll(connectionTokens(context));
        skip.addAll(add.keySet());
        if (principalHeader != null) {
            skip.add(principalHeader); // a client must not be able to claim to be someone
        }
        if (!forwardCredentials) {
            skip.addAll(context.credentialHeaders());
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (forwardClientHeaders) {
            context.headers().forEach((name, values) -> {
                if (!skip.contains(name)) {
                    headers.put(name, values);
                }
            });
        }
        boolean viaProxy = addresses.trusted(context.remoteAddress());
        List<String> chain = viaProxy ? ClientAddresses.hops(context.headers().getOrDefault("X-Forwarded-For", List.of()))
                : List.of();
        List<String> forwardedFor = new ArrayList<>(chain);
        forwardedFor.add(context.remoteAddress());
        headers.put("X-Forwarded-For", List.of(String.join(", ", forwardedFor)));
        String proto = viaProxy ? context.header("X-Forwarded-Proto") : null;
        headers.put("X-Forwarded-Proto", List.of(proto != null ? proto : context.secure() ? "https" : "http"));
        String host = viaProxy && context.header("X-Forwarded-Host") != null ? context.header("X-Forwarded-Host")
                : context.header("Host");
        if (host != null) {
            headers.put("X-Forwarded-Host", List.of(host));
        }
        String principal = context.credentials().principal();
        if (principalHeader != null && principal != null) {
            headers.put(principalHeader, List.of(principal));
        }
        add.forEach((name, value) -> headers.put(name, List.of(value)));
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            for (String value : h.getValue()) {
                if (hasLineBreak(value)) {
                    return HandshakeDecision.reject(400, "A value of header " + h.getKey()
                            + " for the backend contains a line break.");
                }
            }
        }
        context.backendHeaders(headers);
        if (!forwardCredentials && !context.credentialQueryParameters().isEmpty()) {
            context.backendQuery(without(context.rawQuery(), context.credentialQueryParameters()));
        }
        return HandshakeDecision.permit();
    }

    static boolean hasLineBreak(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
    }

    private static List<String> connectionTokens(HandshakeContext context) {
        List<String> tokens = new ArrayList<>();
        for (String value : context.headers().getOrDefault("Connection", List.of())) {
            for (String t : value.split(",")) {
                tokens.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    /** The raw query without the named parameters (compared decoded), other parameters byte for byte. */
    static String without(String rawQuery, Set<String> names) {
        if (rawQuery == null) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name;
            try {
                name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                name = rawName;
            }
            if (!names.contains(name)) {
                kept.add(pair);
            }
        }
        String query = String.join("&", kept);
        return query.isEmpty() ? null : query;
    }

    @Override
    public JsonObject describe() {
        var b = JSON.createObjectBuilder().add("forwardClientHeaders", forwardClientHeaders)
                .add("forwardCredentials", forwardCredentials);
        b = principalHeader == null ? b.addNull("principalHeader") : b.add("principalHeader", principalHeader);
        var added = JSON.createObjectBuilder();
        add.forEach(added::add);
        return b.add("add", added).build();
    }

    /**
     * Defaults: {@code gateway.forward.principal-header} ({@code X-Forwarded-User}; {@code none}: no header),
     * {@code gateway.forward.client-headers} (true).
     */
    @Dependent
    public static class Factory implements PolicyFactory {
        private static final Set<String> FIELDS = Set.of("forwardClientHeaders", "forwardCredentials",
                "principalHeader", "add");
        private final GatewayDefaults defaults;
        private final ClientAddresses addresses;

        @Inject
        public Factory(GatewayDefaults defaults, ClientAddresses addresses) {
            this.defaults = defaults;
            this.addresses = addresses;
        }

        @Override
        public String type() {
            return "headers";
        }

        @Override
        public HandshakePolicy create(JsonFields settings) {
            settings.rejectUnknown(FIELDS);
            Boolean clientHeaders = settings.bool("forwardClientHeaders");
            Boolean credentials = settings.bool("forwardCredentials");
            String principalHeader = settings.has("principalHeader") ? settings.string("principalHeader", false)
                    : defaults.string("gateway.forward.principal-header", "X-Forwarded-User");
            // A route's "" or the setting "none" (a blank configuration value counts as unset): no header.
            if (principalHeader != null && (principalHeader.isBlank() || principalHeader.equalsIgnoreCase("none"))) {
                principalHeader = null;
            }
            if (principalHeader != null && !settableHeader(principalHeader)) {
                settings.error("principalHeader", "must be an HTTP header name the gateway may set");
            }
            Map<String, String> add = new LinkedHashMap<>();
            JsonObject added = settings.object("add");
            if (added != null) {
                for (Map.Entry<String, JsonValue> e : added.entrySet()) {
                    if (!settableHeader(e.getKey())) {
                        settings.error("add", "'" + e.getKey() + "' is not an HTTP header name the gateway may set");
                    } else if (!(e.getValue() instanceof JsonString s)) {
                        settings.error("add", "the value of " + e.getKey() + " must be a string");
                    } else if (hasLineBreak(s.getString())) {
                        settings.error("add", "the value of " + e.getKey() + " must not contain CR, LF or NUL");
                    } else {
                        add.put(e.getKey(), s.getString());
                    }
                }
            }
            return new HeadersPolicy(addresses,
                    clientHeaders != null ? clientHeaders : defaults.bool("gateway.forward.client-headers", true),
                    credentials != null && credentials, principalHeader, add);
        }

        private static boolean settableHeader(String name) {
            return TOKEN.matcher(name).matches() && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))
                    && !name.toLowerCase(Locale.ROOT).startsWith("sec-websocket-");
        }
    }
}
