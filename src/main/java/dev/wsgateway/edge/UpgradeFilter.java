package dev.wsgateway.edge;

import dev.wsgateway.metrics.GatewayMeters;
import dev.wsgateway.policy.ClientAddresses;
import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.PolicyCatalog;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.route.Route;
import dev.wsgateway.route.RoutePaths;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.upstream.BackendConnectException;
import dev.wsgateway.upstream.BackendConnector;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's front door for {@code /ws/<route path>/<rest>}. Every decision is taken here, before the
 * container's upgrade, so a rejection is a real HTTP response: 404 no route, 426/400 not a WebSocket
 * handshake, then the route's handshake policies (401, 403, 429, ...), 503 not ready or too many handshakes
 * waiting, 502 backend refused or unreachable, 504 backend too slow.
 * Only when the backend session is open is the client upgraded, onto {@link RelayEndpoint}.
 */
@WebFilter(urlPatterns = UpgradeFilter.MAPPING)
public class UpgradeFilter extends HttpFilter {
    static final String PREFIX = "/ws";
    static final String MAPPING = PREFIX + "/*";
    private static final Logger LOG = Logger.getLogger(UpgradeFilter.class.getName());

    @Inject
    RouteStore routes;
    @Inject
    SessionRegistry sessions;
    @Inject
    BackendConnector connector;
    @Inject
    HandshakeGate gate;
    @Inject
    PolicyCatalog policies;
    @Inject
    ClientAddresses addresses;
    @Inject
    GatewayMeters meters;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = requestPath(request);
        if (path == null) {
            meters.handshake(null, "bad_path", 400, null);
            HttpProblem.send(response, 400, "Bad Request", "The path must not contain '.' or '..' segments.", Map.of());
            return;
        }
        if (!routes.isLoaded()) {
            meters.handshake(null, "not_ready", 503, null);
            HttpProblem.send(response, 503, "Service Unavailable", "The gateway is not ready.", Map.of("Retry-After", "5"));
            return;
        }
        Optional<Route> match = routes.table().match(path);
        if (match.isEmpty() || !match.get().enabled()) {
            meters.handshake(match.map(Route::id).orElse(null), match.isEmpty() ? "no_route" : "route_disabled", 404, null);
            HttpProblem.send(response, 404, "Not Found", match.isEmpty()
                    ? "No route matches this path." : "The route for this path is disabled.", Map.of());
            return;
        }
        String notAnUpgrade = notAnUpgrade(request);
        if (notAnUpgrade != null) {
            meters.handshake(match.get().id(), "not_websocket", 426, null);
            HttpProblem.send(response, 426, "Upgrade Required", notAnUpgrade,
                    Map.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13"));
            return;
        }
        if (request.getHeader("Sec-WebSocket-Key") == null) {
            meters.handshake(match.get().id(), "not_websocket", 400, null);
            HttpProblem.send(response, 400, "Bad Request", "The Sec-WebSocket-Key header is missing.", Map.of());
            return;
        }
        Route route = match.get();
        HandshakeContext context = new HandshakeContext(route, headers(request), request.getQueryString(),
                requestedSubprotocols(request), request.getRemoteAddr(),
                addresses.resolve(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For"))),
                request.isSecure(), Instant.now());
        HandshakeDecision decision;
        try {
            decision = policies.chainFor(route).run(context);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "route " + route.id() + ": its handshake policies failed", e);
            context.takeSessionEndActions().forEach(Runnable::run);
            meters.handshake(route.id(), "policy_error", 500, context.rejectedBy());
            HttpProblem.send(response, 500, "Internal Server Error", "The route's handshake policies failed.", Map.of());
            return;
        }
        if (!decision.permitted()) {
            meters.handshake(route.id(), "policy", decision.status(), context.rejectedBy());
            HttpProblem.send(response, decision.status(), HttpProblem.title(decision.status()), decision.detail(),
                    decision.headers());
            return;
        }
        List<Runnable> onEnd = context.takeSessionEndActions();
        if (!gate.tryEnter(route.id())) {
            onEnd.forEach(Runnable::run);
            meters.handshake(route.id(), "busy", 503, null);
            HttpProblem.send(response, 503, "Service Unavailable",
                    "Too many handshakes are waiting for their backends; try again shortly.", Map.of("Retry-After", "1"));
            return;
        }
        Credentials credentials = context.credentials();
        RelaySession relay = sessions.open(route, context.clientAddress(), credentials, onEnd);
        List<String> offered = new ArrayList<>(route.offerable(context.requestedSubprotocols()));
        offered.removeAll(context.credentialSubprotocols());
        Session backend;
        long connectStarted = System.nanoTime();
        try {
            backend = connector.connect(route.backendUriFor(RoutePaths.rest(route.path(), path), context.backendQuery()),
                    offered, context.backendHeaders(), route.connectTimeoutMillis(), relay);
        } catch (BackendConnectException e) {
            relay.finishNow();
            LOG.log(Level.INFO, "route {0}: {1}", new Object[] {route.id(), e.getMessage()});
            boolean timeout = e.kind() == BackendConnectException.Kind.TIMEOUT;
            meters.backendConnect(route.id(), System.nanoTime() - connectStarted, timeout ? "timeout" : "refused");
            meters.handshake(route.id(), timeout ? "backend_timeout" : "backend_refused", timeout ? 504 : 502, null);
            HttpProblem.send(response, timeout ? 504 : 502, timeout ? "Gateway Timeout" : "Bad Gateway",
                    timeout ? "The backend did not answer the WebSocket handshake in time."
                            : "The backend could not be connected or refused the WebSocket handshake.", Map.of());
            return;
        } finally {
            gate.exit(route.id());
        }
        meters.backendConnect(route.id(), System.nanoTime() - connectStarted, "connected");
        upgrade(request, response, new Handover(route, relay, backend.getNegotiatedSubprotocol(),
                credentials.principal() != null ? new GatewayPrincipal(credentials.principal()) : request.getUserPrincipal(),
                credentials, context.headers()));
    }

    private void upgrade(HttpServletRequest request, HttpServletResponse response, Handover handover)
            throws IOException {
        // The filter's own context, not the request's: on Payara a request whose client went away while it
        // waited for the backend answers getServletContext() with null. Any failure here abandons the pair, so
        // the backend session opened for this client is closed (1001) instead of leaking.
        ServerContainer container = (ServerContainer) getServletContext().getAttribute(ServerContainer.class.getName());
        try {
            handover.during(() -> container.upgradeHttpToWebSocket(request, response, RelayEndpoint.configFor(container),
                    Map.of()));
            meters.handshake(handover.route().id(), "accepted", 101, null);
        } catch (Exception e) {
            meters.handshake(handover.route().id(), "upgrade_failed", 500, null);
            LOG.log(Level.WARNING, "route " + handover.route().id() + ": the client's upgrade failed", e);
            handover.relay().clientAbandoned();
            HttpProblem.send(response, 500, "Internal Server Error", "The WebSocket upgrade failed.", Map.of());
        }
    }

    /**
     * The raw path after {@code /ws} ("/" when none), or null when it has dot segments, which would
     * otherwise walk out of the route's backend path.
     */
    static String requestPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String path = uri.substring(Math.min(uri.length(), request.getContextPath().length() + PREFIX.length()));
        int semicolon = path.indexOf(';');
        if (semicolon >= 0) {
            path = path.substring(0, semicolon);
        }
        if (path.isEmpty()) {
            return "/";
        }
        for (String segment : path.split("/")) {
            String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (s.equals(".") || s.equals("..")) {
                return null;
            }
        }
        return path;
    }

    /** Null when this asks for a WebSocket version 13 upgrade (RFC 6455 4.2.1), else why it does not. */
    static String notAnUpgrade(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return "A WebSocket handshake is a GET request.";
        }
        if (!"websocket".equalsIgnoreCase(String.valueOf(request.getHeader("Upgrade")).trim())
                || !tokens(request, "Connection").contains("upgrade")) {
            return "This is a WebSocket endpoint: send 'Upgrade: websocket' and 'Connection: Upgrade'.";
        }
        if (!"13".equals(String.valueOf(request.getHeader("Sec-WebSocket-Version")).trim())) {
            return "Only WebSocket version 13 is supported.";
        }
        return null;
    }

    static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).addAll(Collections.list(request.getHeaders(name)));
        }
        return headers;
    }

    static List<String> requestedSubprotocols(HttpServletRequest request) {
        List<String> requested = new ArrayList<>();
        for (String value : Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String p : value.split(",")) {
                if (!p.isBlank()) {
                    requested.add(p.trim());
                }
            }
        }
        return requested;
    }

    private static List<String> tokens(HttpServletRequest request, String header) {
        List<String> tokens = new ArrayList<>();
        for (String value : Collections.list(request.getHeaders(header))) {
            for (String t : value.split(",")) {
                tokens.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }
}
