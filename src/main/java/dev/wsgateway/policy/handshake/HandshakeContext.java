package dev.wsgateway.policy.handshake;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.route.Route;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One upgrade request as the policies see it, and what they learn about it. The request part is
 * read-only; policies record the client's credentials, which credentials must not reach the backend, and
 * extra headers for the backend. Used by one thread (the request's).
 */
public final class HandshakeContext {
    private final Route route;
    private final HeaderSet headers;
    private final String rawQuery;
    private final Map<String, List<String>> query;
    private final List<String> subprotocols;
    private final String remoteAddress;
    private final String clientAddress;
    private final boolean secure;
    private final Instant now;

    private String principal;
    private String method;
    private String apiKeyId;
    private String subject;
    private String tokenId;
    private Instant expiresAt;
    private boolean enforceExpiry;
    private Map<String, Object> claims = Map.of();
    private final Set<String> credentialHeaders = new LinkedHashSet<>();
    private final Set<String> credentialQueryParameters = new LinkedHashSet<>();
    private final Set<String> credentialSubprotocols = new LinkedHashSet<>();
    private Map<String, List<String>> backendHeaders = Map.of();
    private String backendQuery;
    private final List<Runnable> onEnd = new ArrayList<>();

    /**
     * @param headers       the request's headers (names in any case)
     * @param rawQuery      the raw query string, or null
     * @param subprotocols  the subprotocols the client asked for, in its order
     * @param remoteAddress the TCP peer's address
     * @param clientAddress the client's address: the peer's, or the one trusted proxies reported for it
     * @param secure        whether the client connection is TLS
     */
    public HandshakeContext(Route route, Map<String, List<String>> headers, String rawQuery, List<String> subprotocols,
                            String remoteAddress, String clientAddress, boolean secure, Instant now) {
        this.route = route;
        this.headers = HeaderSet.of(headers);
        this.rawQuery = rawQuery;
        this.query = parseQuery(rawQuery);
        this.backendQuery = rawQuery;
        this.subprotocols = List.copyOf(subprotocols);
        this.remoteAddress = remoteAddress;
        this.clientAddress = clientAddress;
        this.secure = secure;
        this.now = now;
    }

    static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (name != null && value != null) {
                params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        params.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(params);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // a malformed escape: such a parameter is not readable, so it is not there
        }
    }

    public Route route() {
        return route;
    }

    /** The request's headers, case-insensitive names, read-only. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String rawQuery() {
        return rawQuery;
    }

    /** The first value of a query parameter (decoded), or null. */
    public String queryParameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> requestedSubprotocols() {
        return subprotocols;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    public String clientAddress() {
        return clientAddress;
    }

    public boolean secure() {
        return secure;
    }

    public Instant now() {
        return now;
    }

    // What the policies learn.

    /** Records who authenticated and how. {@code subject} is what revocations by subject match. */
    public void authenticated(String method, String principal, String subject) {
        this.method = method;
        this.principal = principal;
        this.subject = subject;
    }

    public void apiKey(String keyId) {
        this.apiKeyId = keyId;
    }

    public void token(String tokenId, Instant expiresAt, boolean enforceExpiry, Map<String, Object> claims) {
        this.tokenId = tokenId;
        this.expiresAt = expiresAt;
        this.enforceExpiry = enforceExpiry && expiresAt != null;
        this.claims = Map.copyOf(claims);
    }

    public Credentials credentials() {
        if (method == null && apiKeyId == null) {
            return Credentials.ANONYMOUS;
        }
        return new Credentials(principal, method, apiKeyId, subject, tokenId, expiresAt, enforceExpiry, claims);
    }

    /** A header that carried a credential: not forwarded to the backend unless the route says so. */
    public void credentialHeader(String name) {
        credentialHeaders.add(name.toLowerCase(Locale.ROOT));
    }

    public void credentialQueryParameter(String name) {
        credentialQueryParameters.add(name);
    }

    /** A subprotocol entry that carried a credential: never offered to the backend. */
    public void credentialSubprotocol(String entry) {
        credentialSubprotocols.add(entry);
    }

    public Set<String> credentialHeaders() {
        return Collections.unmodifiableSet(credentialHeaders);
    }

    public Set<String> credentialQueryParameters() {
        return Collections.unmodifiableSet(credentialQueryParameters);
    }

    public Set<String> credentialSubprotocols() {
        return Collections.unmodifiableSet(credentialSubprotocols);
    }

    /** The headers the backend handshake carries (set by the headers policy, which runs last). */
    public Map<String, List<String>> backendHeaders() {
        return backendHeaders;
    }

    public void backendHeaders(Map<String, List<String>> headers) {
        this.backendHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The raw query the backend gets (the client's, unless the headers policy removed credentials from it). */
    public String backendQuery() {
        return backendQuery;
    }

    public void backendQuery(String rawQuery) {
        this.backendQuery = rawQuery;
    }

    /**
     * Something to do when the session this handshake opens ends, or at once if the handshake does not
     * complete (for example to give back a concurrent-connection slot).
     */
    public void onSessionEnd(Runnable release) {
        onEnd.add(release);
    }

    /** The releases registered so far, for the edge to run when the session ends; empties the list. */
    public List<Runnable> takeSessionEndActions() {
        List<Runnable> actions = List.copyOf(onEnd);
        onEnd.clear();
        return actions;
    }
}
