package dev.wsgateway.policy.builtin;

import com.nimbusds.jose.JWSAlgorithm;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.Revocations;
import dev.wsgateway.policy.builtin.JwtPolicy.TokenSource;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"type": "jwt", "issuer": "https://idp.example.com/", "audience": "chat-api",
 * "jwksUrl": "https://idp.example.com/.well-known/jwks.json" | "jwksFile": "/etc/gw/jwks.json",
 * "algorithms": ["RS256", "ES256"], "clockSkewSeconds": 30, "requiredScopes": ["chat:read"],
 * "requiredRoles": ["member"], "rolesClaim": "roles", "tokenSources": ["header", "query", "subprotocol"],
 * "queryParameter": "access_token", "enforceExpiry": true}}; every field optional.
 * Defaults: {@code gateway.jwt.issuer}, {@code .audience}, {@code .jwks-url}, {@code .jwks-file},
 * {@code .clock-skew-seconds} (30), {@code .jwks-timeout-millis} (2000) and {@code gateway.jwt.hmac-secret}, the
 * HS256 secret, which only ever comes from configuration (never from a route) and is at least 32 bytes.
 * Without {@code algorithms}: RS256 and ES256 when there is a JWKS, HS256 when there is a secret.
 */
@Dependent
public class JwtPolicyFactory implements PolicyFactory {
    private static final Set<String> FIELDS = Set.of("issuer", "audience", "jwksUrl", "jwksFile", "algorithms",
            "clockSkewSeconds", "requiredScopes", "requiredRoles", "rolesClaim", "tokenSources", "queryParameter",
            "enforceExpiry");
    private static final Map<String, JWSAlgorithm> ALGORITHMS = Map.of(
            "RS256", JWSAlgorithm.RS256, "ES256", JWSAlgorithm.ES256, "HS256", JWSAlgorithm.HS256);
    static final int MIN_SECRET_BYTES = 32;

    private final GatewayDefaults defaults;
    private final Revocations revocations;

    @Inject
    public JwtPolicyFactory(GatewayDefaults defaults, Revocations revocations) {
        this.defaults = defaults;
        this.revocations = revocations;
    }

    @Override
    public String type() {
        return "jwt";
    }

    @Override
    public HandshakePolicy create(JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        String issuer = stringOrDefault(settings, "issuer", "gateway.jwt.issuer");
        String audience = stringOrDefault(settings, "audience", "gateway.jwt.audience");
        int timeoutMillis = 2000;

        // The key source: the route's, else the gateway's.
        String url;
        String file;
        String urlName;
        String fileName;
        if (settings.has("jwksUrl") || settings.has("jwksFile")) {
            url = settings.has("jwksUrl") ? settings.string("jwksUrl", true) : null;
            file = settings.has("jwksFile") ? settings.string("jwksFile", true) : null;
            urlName = "jwksUrl";
            fileName = "jwksFile";
            if (settings.has("jwksUrl") && settings.has("jwksFile")) {
                settings.error("jwksUrl", "give jwksUrl or jwksFile, not both");
            }
        } else {
            url = defaults.get("gateway.jwt.jwks-url").orElse(null);
            file = defaults.get("gateway.jwt.jwks-file").orElse(null);
            urlName = "gateway.jwt.jwks-url";
            fileName = "gateway.jwt.jwks-file";
            if (url != null && file != null) {
                settings.error("jwksUrl", "gateway.jwt.jwks-url and gateway.jwt.jwks-file are both set; set one, "
                        + "or give jwksUrl or jwksFile in the route");
            }
        }
        JwksCache keys = null;
        if (url != null && file == null) {
            URI uri = httpUri(url);
            if (uri == null) {
                settings.error("jwksUrl", urlName.equals("jwksUrl") ? "must be an http or https URL"
                        : "gateway.jwt.jwks-url must be an http or https URL");
            } else {
                timeoutMillis = defaultInt(settings, "jwksUrl", "gateway.jwt.jwks-timeout-millis", 2000, 1, 60_000);
                keys = JwksCache.forUrl(uri, timeoutMillis);
            }
        } else if (file != null && url == null) {
            Path path = absolutePath(file);
            if (path == null) {
                settings.error("jwksFile", (fileName.equals("jwksFile") ? "" : fileName + " ")
                        + "must be an absolute file path");
            } else {
                keys = JwksCache.forFile(path);
            }
        }
        boolean haveJwks = url != null || file != null;

        // Never shown, never taken from a route.
        byte[] secret = defaults.get("gateway.jwt.hmac-secret").map(s -> s.getBytes(StandardCharsets.UTF_8))
                .orElse(null);

        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        List<String> named = settings.strings("algorithms");
        if (named != null) {
            if (named.isEmpty()) {
                settings.error("algorithms", "must list at least one of RS256, ES256, HS256");
            }
            for (String name : named) {
                JWSAlgorithm alg = ALGORITHMS.get(name);
                if (alg == null) {
                    settings.error("algorithms", "'" + name + "' is not supported; use RS256, ES256 or HS256");
                } else {
                    algorithms.add(alg);
                }
            }
        } else {
            if (haveJwks) {
                algorithms.add(JWSAlgorithm.RS256);
                algorithms.add(JWSAlgorithm.ES256);
            }
            if (secret != null) {
                algorithms.add(JWSAlgorithm.HS256);
            }
        }
        if (!haveJwks && secret == null) {
            settings.error("jwksUrl", "no key source: give jwksUrl or jwksFile, or configure gateway.jwt.jwks-url, "
                    + "gateway.jwt.jwks-file or gateway.jwt.hmac-secret");
        } else {
            if (!haveJwks && (algorithms.contains(JWSAlgorithm.RS256) || algorithms.contains(JWSAlgorithm.ES256))) {
                settings.error("algorithms", "RS256 and ES256 need jwksUrl or jwksFile (or gateway.jwt.jwks-url / "
                        + "gateway.jwt.jwks-file)");
            }
            if (algorithms.contains(JWSAlgorithm.HS256)) {
                if (secret == null) {
                    settings.error("algorithms", "HS256 needs the gateway.jwt.hmac-secret setting "
                            + "(the secret is only taken from the gateway's configuration)");
                } else if (secret.length < MIN_SECRET_BYTES) {
                    settings.error("algorithms", "gateway.jwt.hmac-secret is too short for HS256: it must be at least "
                            + MIN_SECRET_BYTES + " bytes");
                }
            }
        }
        if (!algorithms.contains(JWSAlgorithm.HS256)) {
            secret = null; // not needed: not kept
        }

        Integer skew = settings.integer("clockSkewSeconds", 0, 600);
        int clockSkew = skew != null ? skew
                : defaultInt(settings, "clockSkewSeconds", "gateway.jwt.clock-skew-seconds", 30, 0, 600);

        List<String> scopes = orEmpty(settings.strings("requiredScopes"));
        for (String scope : scopes) {
            if (!scope.chars().allMatch(c -> c == 0x21 || c >= 0x23 && c <= 0x5B || c >= 0x5D && c <= 0x7E)) {
                settings.error("requiredScopes", "'" + scope + "' is not a scope token (printable ASCII, no space, "
                        + "quote or backslash)");
            }
        }
        List<String> roles = orEmpty(settings.strings("requiredRoles"));
        for (String role : roles) {
            if (role.chars().anyMatch(Character::isWhitespace)) {
                settings.error("requiredRoles", "'" + role + "' must not contain whitespace");
            }
        }
        String rolesClaim = settings.has("rolesClaim") ? settings.string("rolesClaim", true) : "roles";

        Set<TokenSource> sources = EnumSet.allOf(TokenSource.class);
        List<String> sourceNames = settings.strings("tokenSources");
        if (sourceNames != null) {
            sources = EnumSet.noneOf(TokenSource.class);
            if (sourceNames.isEmpty()) {
                settings.error("tokenSources", "must list at least one of header, query, subprotocol");
            }
            for (String name : sourceNames) {
                TokenSource source = TokenSource.named(name);
                if (source == null) {
                    settings.error("tokenSources", "'" + name + "' is not a token source; use header, query or "
                            + "subprotocol");
                } else {
                    sources.add(source);
                }
            }
        }
        String queryParameter = settings.has("queryParameter") ? settings.string("queryParameter", true)
                : "access_token";
        if (queryParameter != null && !queryParameter.matches("[A-Za-z0-9._~-]+")) {
            settings.error("queryParameter", "must be a plain parameter name (letters, digits, . _ ~ -)");
        }
        Boolean enforceExpiry = settings.bool("enforceExpiry");

        JwtPolicy.Settings effective = new JwtPolicy.Settings(issuer, audience,
                Collections.unmodifiableSet(algorithms), clockSkew, scopes, roles,
                rolesClaim == null ? "roles" : rolesClaim, Collections.unmodifiableSet(sources),
                queryParameter == null ? "access_token" : queryParameter,
                enforceExpiry == null || enforceExpiry, timeoutMillis);
        return new JwtPolicy(effective, keys, secret, revocations);
    }

    private String stringOrDefault(JsonFields settings, String field, String key) {
        if (settings.has(field)) {
            return settings.string(field, true);
        }
        return defaults.get(key).orElse(null);
    }

    private int defaultInt(JsonFields settings, String field, String key, int fallback, int min, int max) {
        try {
            int value = defaults.integer(key, fallback);
            if (value < min || value > max) {
                settings.error(field, key + " must be between " + min + " and " + max);
                return fallback;
            }
            return value;
        } catch (IllegalArgumentException e) {
            settings.error(field, e.getMessage());
            return fallback;
        }
    }

    private static URI httpUri(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                return null;
            }
            uri.toURL();
            return uri;
        } catch (URISyntaxException | IllegalArgumentException | java.net.MalformedURLException e) {
            return null;
        }
    }

    private static Path absolutePath(String file) {
        try {
            Path path = Path.of(file);
            return path.isAbsolute() ? path : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
