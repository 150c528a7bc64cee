package dev.wsgateway.policy.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyOrder;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Origin allow-list: a browser's handshake from an origin not on the list gets 403, which stops
 * cross-site WebSocket hijacking (a page elsewhere riding on the user's cookies). Entries are exact
 * origins ({@code https://app.example.com}) or one leading wildcard label ({@code https://*.example.com},
 * any depth of subdomain, not the bare domain). Requests without {@code Origin} (non-browser clients) are
 * allowed or refused by {@code allowMissing}.
 */
public final class OriginPolicy implements HandshakePolicy {
    private final List<String> allowed;
    private final boolean allowMissing;

    OriginPolicy(List<String> allowed, boolean allowMissing) {
        this.allowed = allowed.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.allowMissing = allowMissing;
    }

    @Override
    public String type() {
        return "origin";
    }

    @Override
    public int order() {
        return PolicyOrder.ORIGIN;
    }

    @Override
    public HandshakeDecision check(HandshakeContext context) {
        String origin = context.header("Origin");
        if (origin == null) {
            return allowMissing ? HandshakeDecision.permit()
                    : HandshakeDecision.reject(403, "This route only accepts requests that carry an Origin header.");
        }
        return allows(origin) ? HandshakeDecision.permit()
                : HandshakeDecision.reject(403, "This origin is not allowed to open WebSocket connections here.");
    }

    boolean allows(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        for (String pattern : allowed) {
            if (pattern.equals(o) || wildcardMatch(pattern, o)) {
                return true;
            }
        }
        return false;
    }

    private static boolean wildcardMatch(String pattern, String origin) {
        int star = pattern.indexOf("://*.");
        if (star < 0) {
            return false;
        }
        String scheme = pattern.substring(0, star + 3);
        String suffix = pattern.substring(star + 4); // ".example.com" or ".example.com:8443"
        if (!origin.startsWith(scheme) || !origin.endsWith(suffix)) {
            return false;
        }
        String label = origin.substring(scheme.length(), origin.length() - suffix.length());
        return !label.isEmpty() && label.matches("[a-z0-9.-]+") && !label.startsWith(".") && !label.endsWith(".");
    }

    /** Null when {@code entry} is a valid allow-list entry, else what is wrong with it. */
    static String problem(String entry) {
        String e = entry.toLowerCase(Locale.ROOT);
        String check = e.replace("://*.", "://wildcard.");
        if (e.indexOf('*') >= 0 && !e.contains("://*.") || check.indexOf('*') >= 0) {
            return "'" + entry + "': a wildcard is only allowed as the first host label (https://*.example.com)";
        }
        try {
            URI uri = new URI(check);
            if (uri.getScheme() == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                    || uri.getRawQuery() != null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                return "'" + entry + "' is not an origin (scheme://host[:port], no path)";
            }
        } catch (URISyntaxException ex) {
            return "'" + entry + "' is not an origin (scheme://host[:port], no path)";
        }
        return null;
    }

    @Override
    public JsonObject describe() {
        return JSON.createObjectBuilder().add("allow", JSON.createArrayBuilder(allowed))
                .add("allowMissing", allowMissing).build();
    }
}
