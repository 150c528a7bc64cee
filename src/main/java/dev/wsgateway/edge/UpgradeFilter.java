package dev.wsgateway.edge;

import dev.wsgateway.edge.Handshake.Ready;
import dev.wsgateway.edge.Handshake.Rejected;
import dev.wsgateway.edge.Handshake.Result;
import dev.wsgateway.edge.HandshakeOutcomes.Outcome;
import dev.wsgateway.edge.undertow.IoThreadDispatch;
import dev.wsgateway.edge.undertow.UndertowLoops;
import dev.wsgateway.edge.undertow.UndertowReads;
import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.policy.ClientAddresses;
import dev.wsgateway.policy.handshake.PolicyCatalog;
import dev.wsgateway.policy.message.MessagePolicyCatalog;
import dev.wsgateway.relay.Drain;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.upstream.BackendConnector;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's front door for {@code /ws/<route path>/<rest>}: it runs the {@link Handshake} and then only
 * answers (a real HTTP status, before any 101) or upgrades the client onto {@link RelayEndpoint}.
 *
 * <p>While the backend is being connected the request is in servlet async mode and holds no thread; the
 * backend's answer dispatches it back here ({@link DispatcherType#ASYNC}) with the result in a request
 * attribute, and the answer or the upgrade happens on that container thread, as the containers expect.
 */
@WebFilter(urlPatterns = UpgradeFilter.MAPPING, asyncSupported = true,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ASYNC})
public class UpgradeFilter extends HttpFilter {
    static final String PREFIX = "/ws";
    static final String MAPPING = PREFIX + "/*";
    /** The request attribute that carries a waiting handshake back into the filter on its async dispatch. */
    static final String WAITING = UpgradeFilter.class.getName() + ".waiting";
    private static final Logger LOG = Logger.getLogger(UpgradeFilter.class.getName());

    @Inject
    RouteStore routes;
    @Inject
    SessionRegistry sessions;
    @Inject
    BackendConnector connector;
    @Inject
    WaitingHandshakes waiting;
    @Inject
    PolicyCatalog policies;
    @Inject
    ClientAddresses addresses;
    @Inject
    MessagePolicyCatalog messagePolicies;
    @Inject
    @Any
    Instance<HandshakeOutcomes> outcomeListeners;
    @Inject
    GatewaySettings settings;
    @Inject
    Drain drain;

    private Handshake handshake;
    private HandshakeOutcomes outcomes;
    /** False on Payara: see {@link AsyncUpgrade}. */
    private boolean asyncUpgrade;
    /** On Undertow, unless turned off: backend connections on their clients' I/O threads. */
    private UndertowLoops colocated;
    /** With colocation, unless turned off: the upgrade on the client's I/O thread, where the backend answered. */
    private boolean upgradeOnIoThread;

    @Override
    public void init() {
        outcomes = HandshakeOutcomes.all(outcomeListeners.stream().toList());
        ServerContainer container = (ServerContainer) getServletContext().getAttribute(ServerContainer.class.getName());
        asyncUpgrade = AsyncUpgrade.possibleOn(container);
        if (container != null && UndertowReads.isUndertow(container)) {
            LOG.info(() -> "ws-gateway: Undertow runs the relay's WebSocket handlers on its "
                    + UndertowReads.handlerThreads(container));
            if (settings.backendColocate()) {
                colocated = new UndertowLoops();
                upgradeOnIoThread = settings.handshakeUpgradeOnIoThread();
            }
            LOG.info(colocated != null
                    ? "ws-gateway: backend connections go on their clients' I/O threads (gateway.backend.colocate)"
                    : "ws-gateway: backend connections go on the transport's own threads (gateway.backend.colocate=false)");
        }
        WaitingHandshakes limit = asyncUpgrade ? waiting : new WaitingHandshakes(
                settings.handshakeMaxWaitingOnThreads(), settings.handshakeMaxWaitingOnThreadsPerRoute());
        if (!asyncUpgrade) {
            LOG.info("ws-gateway: this server cannot upgrade after async processing; handshakes wait for their "
                    + "backends on request threads (gateway.handshake.max-waiting-on-threads)");
        }
        handshake = new Handshake(routes, sessions, connector, limit, policies, addresses, outcomes, messagePolicies, drain);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            if (request.getAttribute(WAITING) instanceof Waiting w) {
                request.removeAttribute(WAITING);
                w.dispatched(request, response);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        CompletableFuture<Result> result = handshake.run(ClientRequest.of(request),
                colocated == null ? null : colocated.current());
        if (result.isDone() || !asyncUpgrade) {
            // the result always comes (the connect has a timeout of its own): join never waits longer
            answerOrUpgrade(request, response, result.join());
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(Handshake.MAX_WAIT_MILLIS + 5_000); // a belt: the result always comes before
        Waiting w = new Waiting(async, upgradeOnIoThread ? IoThreadDispatch.currentExchange() : null);
        async.addListener(w);
        result.thenAccept(w::settled);
    }

    /** The last step of every handshake: the HTTP answer, or the upgrade. Tells the outcome exactly once. */
    private void answerOrUpgrade(HttpServletRequest request, HttpServletResponse response, Result result)
            throws IOException {
        if (result instanceof Rejected r) {
            outcomes.onOutcome(r.routeId(), r.outcome(), r.status(), r.policyType());
            HttpProblem.send(response, r.status(), HttpProblem.title(r.status()), r.detail(), r.headers());
        } else if (result instanceof Ready ready) {
            upgrade(request, response, ready.handover());
        }
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
        } catch (Exception e) {
            LOG.log(Level.WARNING, "route " + handover.route().id() + ": the client's upgrade failed", e);
            handover.relay().clientAbandoned();
            outcomes.onOutcome(handover.route().id(), Outcome.UPGRADE_FAILED, 500, null);
            HttpProblem.send(response, 500, "Internal Server Error", "The WebSocket upgrade failed.", Map.of());
            return;
        }
        outcomes.onOutcome(handover.route().id(), Outcome.UPGRADED, 101, null);
    }

    /**
     * A handshake in async mode while its backend connects. Whichever comes first ends it: the result
     * (dispatched back into the filter) or the container's news that the client is gone (then a backend
     * session that opens anyway is closed).
     */
    private final class Waiting implements AsyncListener {
        private final AsyncContext async;
        /** Undertow's exchange when the upgrade may run on its I/O thread ({@link IoThreadDispatch}), else null. */
        private final Object exchange;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Result result;

        Waiting(AsyncContext async, Object exchange) {
            this.async = async;
            this.exchange = exchange;
        }

        /** On the thread that completed the backend connect. */
        void settled(Result settled) {
            result = settled;
            if (ended.compareAndSet(false, true)) {
                try {
                    async.getRequest().setAttribute(WAITING, this);
                    if (exchange != null && settled instanceof Ready) {
                        IoThreadDispatch.dispatch(async, exchange);
                    } else {
                        async.dispatch();
                    }
                } catch (IllegalStateException e) {
                    // the container ended the request without telling the listener: nobody to answer
                    LOG.log(Level.FINE, "a waiting handshake's request ended before its backend answered", e);
                    abandon(settled);
                }
            } else {
                abandon(settled);
            }
        }

        /** Back on a container thread, in the filter. */
        void dispatched(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Result settled = result;
            result = null; // the container keeps this listener as long as the upgraded connection lives
            answerOrUpgrade(request, response, settled);
        }

        private void clientGone() {
            if (ended.compareAndSet(false, true)) {
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    // already completing: nothing left to end
                }
            } // the result comes later (it always does) and closes what it opened: see settled

        }

        private void abandon(Result settled) {
            if (settled instanceof Ready ready) {
                ready.handover().relay().clientAbandoned();
                outcomes.onOutcome(ready.handover().route().id(), Outcome.CLIENT_GONE, 0, null);
            } else if (settled instanceof Rejected r) {
                outcomes.onOutcome(r.routeId(), Outcome.CLIENT_GONE, 0, null);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            clientGone();
        }

        @Override
        public void onError(AsyncEvent event) {
            clientGone();
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
