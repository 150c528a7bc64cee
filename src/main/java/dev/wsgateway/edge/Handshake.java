package dev.wsgateway.edge;

import dev.wsgateway.edge.HandshakeOutcomes.Outcome;
import dev.wsgateway.policy.ClientAddresses;
import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.PolicyCatalog;
import dev.wsgateway.policy.handshake.PolicyChain;
import dev.wsgateway.policy.message.MessageChains;
import dev.wsgateway.policy.message.MessagePolicyCatalog;
import dev.wsgateway.relay.Drain;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.route.Route;
import dev.wsgateway.route.RouteDefinition;
import dev.wsgateway.route.RoutePaths;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.upstream.BackendConnectException;
import dev.wsgateway.upstream.BackendConnector;
import dev.wsgateway.upstream.transport.Loop;
import jakarta.websocket.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One handshake on {@code /ws/*} as a pipeline with an outcome: the path check, the drain and readiness first, then
 * the route, its policies, the limit on waiting handshakes, and the backend connect. Everything but the
 * backend's answer is decided at once on the request thread; the backend's answer completes the result later,
 * on a transport thread, and no thread waits for it. The caller only answers ({@link Rejected}) or upgrades
 * ({@link Ready}).
 */
final class Handshake {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());
    /**
     * On top of the route's connect timeout, after which the result is a 504 even if the connector never
     * answered (it should have by then: this is a safety belt, not the timeout).
     */
    static final int GRACE_MILLIS = 2_000;
    /** The longest any handshake can wait for its result. */
    static final long MAX_WAIT_MILLIS = RouteDefinition.MAX_CONNECT_TIMEOUT_MILLIS + GRACE_MILLIS;

    /** How a handshake ends: answered with an HTTP status, or ready to be upgraded. */
    sealed interface Result permits Rejected, Ready {
    }

    /**
     * An HTTP answer instead of a 101.
     *
     * @param routeId    the matched route, or null
     * @param policyType the rejecting policy's type, for {@link Outcome#REJECTED_BY_POLICY}
     */
    record Rejected(String routeId, Outcome outcome, int status, String detail, Map<String, String> headers,
                    String policyType) implements Result {
        Rejected(String routeId, Outcome outcome, int status, String detail, Map<String, String> headers) {
            this(routeId, outcome, status, detail, headers, null);
        }
    }

    /** The backend session is open: upgrade the client and hand it this. */
    record Ready(Handover handover) implements Result {
    }

    private final RouteStore routes;
    private final SessionRegistry sessions;
    private final BackendConnector connector;
    private final WaitingHandshakes waiting;
    private final PolicyCatalog policies;
    private final ClientAddresses addresses;
    private final HandshakeOutcomes outcomes;
    private final MessagePolicyCatalog messagePolicies;
    private final Drain drain;

    Handshake(RouteStore routes, SessionRegistry sessions, BackendConnector connector, WaitingHandshakes waiting,
              PolicyCatalog policies, ClientAddresses addresses, HandshakeOutcomes outcomes) {
        this(routes, sessions, connector, waiting, policies, addresses, outcomes, MessagePolicyCatalog.none(), null);
    }

    /** @param drain this instance's drain: while it runs, handshakes get 503 (null: never drained) */
    Handshake(RouteStore routes, SessionRegistry sessions, BackendConnector connector, WaitingHandshakes waiting,
              PolicyCatalog policies, ClientAddresses addresses, HandshakeOutcomes outcomes,
              MessagePolicyCatalog messagePolicies, Drain drain) {
        this.drain = drain;
        this.messagePolicies = messagePolicies;
        this.outcomes = outcomes;
        this.routes = routes;
        this.sessions = sessions;
        this.connector = connector;
        this.waiting = waiting;
        this.policies = policies;
        this.addresses = addresses;
    }

    /** Runs the handshake; the result is complete at once unless the backend is being connected. */
    CompletableFuture<Result> run(ClientRequest request) {
        return run(request, null);
    }

    /**
     * As {@link #run(ClientRequest)}, with the backend connection on {@code near} (the client connection's I/O
     * thread), or on the transport's own threads when it is null.
     */
    CompletableFuture<Result> run(ClientRequest request, Loop near) {
        if (request.path() == null) {
            return done(new Rejected(null, Outcome.BAD_PATH, 400,
                    "The path must not contain '.' or '..' segments.", Map.of()));
        }
        if (drain != null && drain.refusesHandshakes()) {
            return done(new Rejected(null, Outcome.DRAINING, 503,
                    "The gateway is draining for a restart; connect again (another instance may take you).",
                    Map.of("Retry-After", Integer.toString(drain.retryAfterSeconds()))));
        }
        if (!routes.isLoaded()) {
            return done(new Rejected(null, Outcome.NOT_READY, 503, "The gateway is not ready.",
                    Map.of("Retry-After", "5")));
        }
        Optional<Route> match = routes.table().match(request.path());
        if (match.isEmpty()) {
            return done(new Rejected(null, Outcome.NO_ROUTE, 404, "No route matches this path.", Map.of()));
        }
        Route route = match.get();
        if (!route.enabled()) {
            return done(new Rejected(route.id(), Outcome.ROUTE_DISABLED, 404, "The route for this path is disabled.",
                    Map.of()));
        }
        String notAnUpgrade = request.notAnUpgrade();
        if (notAnUpgrade != null) {
            return done(new Rejected(route.id(), Outcome.NOT_A_HANDSHAKE, 426, notAnUpgrade,
                    Map.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13")));
        }
        if (request.header("Sec-WebSocket-Key").isEmpty()) {
            return done(new Rejected(route.id(), Outcome.NOT_A_HANDSHAKE, 400,
                    "The Sec-WebSocket-Key header is missing.", Map.of()));
        }
        return admitAndConnect(request, route, near);
    }

    /** The route's policies, the limit on waiting handshakes, then the backend connect. */
    private CompletableFuture<Result> admitAndConnect(ClientRequest request, Route route, Loop near) {
        HandshakeContext context = new HandshakeContext(route, request.headers(), request.rawQuery(),
                request.requestedSubprotocols(), request.remoteAddress(),
                addresses.resolve(request.remoteAddress(), request.header("X-Forwarded-For")),
                request.secure(), Instant.now());
        PolicyChain.Verdict verdict;
        MessageChains messageChains;
        try {
            messageChains = messagePolicies.chainsFor(route); // built now: a broken entry refuses, not the session
            verdict = policies.chainFor(route).decide(context);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "route " + route.id() + ": its handshake policies failed", e);
            context.takeSessionEndActions().forEach(Runnable::run);
            return done(new Rejected(route.id(), Outcome.POLICY_FAILED, 500, "The route's handshake policies failed.",
                    Map.of(), e instanceof PolicyChain.PolicyFailed f ? f.policyType() : null));
        }
        if (!verdict.decision().permitted()) {
            return done(new Rejected(route.id(), Outcome.REJECTED_BY_POLICY, verdict.decision().status(),
                    verdict.decision().detail(), verdict.decision().headers(), verdict.rejectedBy()));
        }
        List<Runnable> onEnd = context.takeSessionEndActions();
        if (!waiting.tryEnter(route.id())) {
            onEnd.forEach(Runnable::run);
            return done(new Rejected(route.id(), Outcome.TOO_MANY_WAITING, 503,
                    "Too many handshakes are waiting for their backends; try again shortly.", Map.of("Retry-After", "1")));
        }
        Credentials credentials = context.credentials();
        RelaySession relay = sessions.open(route, context.clientAddress(), credentials, onEnd);
        relay.messagePolicies(messageChains, context.headers());
        List<String> offered = new ArrayList<>(route.offerable(context.requestedSubprotocols()));
        offered.removeAll(context.credentialSubprotocols());
        CompletableFuture<Session> backend;
        long connectStarted = System.nanoTime(); // before the call: the connect's own deadline starts inside it
        try {
            backend = connector.connectAsync(
                    route.backendUriFor(RoutePaths.rest(route.path(), request.path()), context.backendQuery()),
                    offered, context.backendHeaders(), route.connectTimeoutMillis(), relay, near, route.backendTls());
        } catch (RuntimeException e) {
            backend = CompletableFuture.failedFuture(e);
        }
        Map<String, List<String>> headers = context.headers();
        return backend.orTimeout(route.connectTimeoutMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS)
                .handle((session, failure) -> {
                    waiting.exit(route.id());
                    long connectNanos = System.nanoTime() - connectStarted;
                    if (failure == null) {
                        outcomes.onBackendConnect(route.id(), connectNanos, Outcome.UPGRADED);
                        return new Ready(new Handover(route, relay, session.getNegotiatedSubprotocol(),
                                credentials.principal() != null ? new GatewayPrincipal(credentials.principal())
                                        : request.userPrincipal(), credentials, headers));
                    }
                    relay.finishNow();
                    Rejected rejected = backendFailed(route, failure);
                    outcomes.onBackendConnect(route.id(), connectNanos, rejected.outcome());
                    return rejected;
                });
    }

    private static Rejected backendFailed(Route route, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        BackendConnectException.Kind kind;
        if (cause instanceof BackendConnectException e) {
            kind = e.kind();
            LOG.log(Level.INFO, "route {0}: {1}", new Object[] {route.id(), e.getMessage()});
        } else if (cause instanceof TimeoutException) {
            kind = BackendConnectException.Kind.TIMEOUT;
            LOG.log(Level.INFO, "route {0}: the backend connect did not end within its timeout", route.id());
        } else {
            kind = BackendConnectException.Kind.UNREACHABLE;
            LOG.log(Level.WARNING, "route " + route.id() + ": the backend connect failed", cause);
        }
        return switch (kind) {
            case TIMEOUT -> new Rejected(route.id(), Outcome.BACKEND_TIMEOUT, 504,
                    "The backend did not answer the WebSocket handshake in time.", Map.of());
            case REFUSED -> new Rejected(route.id(), Outcome.BACKEND_REFUSED, 502,
                    "The backend could not be connected or refused the WebSocket handshake.", Map.of());
            case UNREACHABLE -> new Rejected(route.id(), Outcome.BACKEND_UNREACHABLE, 502,
                    "The backend could not be connected or refused the WebSocket handshake.", Map.of());
        };
    }

    private static CompletableFuture<Result> done(Result result) {
        return CompletableFuture.completedFuture(result);
    }
}
