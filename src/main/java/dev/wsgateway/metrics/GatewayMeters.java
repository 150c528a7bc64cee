package dev.wsgateway.metrics;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.metrics.RouteTraffic.Measure;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's meters. Recorded where outcomes are decided (a handshake's answer, a backend connect, a
 * session's end); relayed traffic is read at scrape time from the relay's own per-direction counters, so the
 * relay's hot path does no metrics work. See docs/operations.md for the list.
 */
@ApplicationScoped
public class GatewayMeters {
    private static final Logger LOG = Logger.getLogger(GatewayMeters.class.getName());
    static final String NO_ROUTE = "none";
    static final String NO_POLICY = "none";

    @Inject
    SessionRegistry sessions;
    @Inject
    GatewaySettings settings;

    private PrometheusMeterRegistry prometheus;
    private OtlpMeterRegistry otlp;
    private MeterRegistry registry;
    private LiveSessions live;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, RouteTraffic> routes = new ConcurrentHashMap<>();

    public GatewayMeters() {
    }

    /** Without CDI (tests): the Prometheus registry only. */
    GatewayMeters(SessionRegistry sessions) {
        this.sessions = sessions;
        start(false);
    }

    @PostConstruct
    void start() {
        start(settings.otlpEnabled());
    }

    private void start(boolean withOtlp) {
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry composite = new CompositeMeterRegistry(Clock.SYSTEM);
        composite.add(prometheus);
        if (withOtlp) {
            Map<String, String> otlpSettings = Map.of(
                    "otlp.url", settings.otlpUrl(),
                    "otlp.step", settings.otlpStep().toString(),
                    "otlp.resourceAttributes", "service.name=ws-gateway");
            otlp = new OtlpMeterRegistry((OtlpConfig) otlpSettings::get, Clock.SYSTEM);
            composite.add(otlp);
            LOG.info(() -> "ws-gateway: pushing metrics by OTLP to " + settings.otlpUrl() + " every " + settings.otlpStep());
        }
        registry = composite;
        live = new LiveSessions(() -> sessions.all());
        JvmGcMetrics gc = new JvmGcMetrics();
        closeables.add(gc);
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics())) {
            binder.bindTo(registry);
        }
    }

    @PreDestroy
    void stop() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing a meter binder failed", e);
            }
        }
        registry.close();
    }

    /** The registry every meter is in, for tests and for code that adds meters of its own. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Writes every meter in the Prometheus text format or OpenMetrics ({@code contentType}, see {@link #contentTypeFor}). */
    public void scrape(OutputStream out, String contentType) throws IOException {
        prometheus.scrape(out, contentType);
    }

    /** OpenMetrics when the scraper asks for it in {@code Accept}, else the Prometheus text format 0.0.4. */
    public static String contentTypeFor(String accept) {
        if (accept != null && accept.contains("application/openmetrics-text")) {
            return "application/openmetrics-text; version=1.0.0; charset=utf-8";
        }
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    // ---- recorded where outcomes are decided ---------------------------------------------------

    /**
     * One handshake's answer. {@code reason} is {@code accepted} for an upgrade, else why it was refused (see
     * docs/operations.md); {@code policyType} names the refusing policy, or null.
     */
    public void handshake(String routeId, String reason, int status, String policyType) {
        String route = routeId == null ? NO_ROUTE : routeId;
        if (routeId != null) {
            traffic(routeId);
        }
        Counter.builder("ws.gateway.handshakes")
                .description("WebSocket handshakes answered, by outcome, reason, HTTP status and refusing policy type")
                .tag("route", route)
                .tag("outcome", "accepted".equals(reason) ? "accepted" : "refused")
                .tag("reason", reason)
                .tag("status", Integer.toString(status))
                .tag("policy", policyType == null ? NO_POLICY : policyType)
                .register(registry).increment();
    }

    /** How long the backend's WebSocket handshake took; {@code outcome}: connected, refused, timeout. */
    public void backendConnect(String routeId, long nanos, String outcome) {
        Timer.builder("ws.gateway.backend.connect")
                .description("Time to open the backend's WebSocket session")
                .tag("route", routeId)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The counter of one message policy's verdicts on one route and flow ({@code forward}, {@code drop},
     * {@code replace}, {@code close}, {@code error}), registered when first asked for: the chains ask the first
     * time a verdict happens, so routes without message policies register none.
     */
    public Runnable messagePolicyVerdict(String routeId, String policyType, Flow flow, String verdict) {
        Counter counter = Counter.builder("ws.gateway.message.policy.verdicts")
                .description("Message policy verdicts, once per policy and message, by route, policy type, direction and verdict")
                .tag("route", routeId).tag("policy", policyType)
                .tag("direction", flow == Flow.CLIENT_TO_BACKEND ? "client_to_backend" : "backend_to_client")
                .tag("verdict", verdict)
                .register(registry);
        return counter::increment;
    }

    /** A relayed pair finished (from the session registry). Pairs never upgraded were counted as handshakes. */
    public void sessionEnded(RelaySession s) {
        if (!s.opened()) {
            return;
        }
        String route = s.route().id();
        traffic(route).sessionEnded(s);
        live.invalidate();
        RelaySession.Ending ending = s.ending();
        String by = ending == null ? "gateway" : ending.by();
        String cause = ending == null ? "gateway" : ending.cause();
        Counter.builder("ws.gateway.closes")
                .description("Ended sessions by the side that closed first and the close code it sent (the gateway's: the code the client got)")
                .tag("route", route).tag("side", by).tag("code", ending == null ? "1006" : Integer.toString(ending.code()))
                .register(registry).increment();
        Counter.builder("ws.gateway.sessions.closed")
                .description("Ended sessions by cause: client, backend, or the gateway's reason (admin, expiry, revocation, idle, keepalive, ...)")
                .tag("route", route).tag("cause", cause)
                .register(registry).increment();
        if ("keepalive".equals(cause)) {
            Counter.builder("ws.gateway.keepalive.timeouts")
                    .description("Sessions ended because a side did not answer the gateway's ping in time")
                    .tag("route", route)
                    .register(registry).increment();
        }
    }

    /** The per-route meters read at scrape time, registered the first time a route is seen. */
    private RouteTraffic traffic(String routeId) {
        RouteTraffic t = routes.get(routeId);
        if (t != null) {
            return t;
        }
        return routes.computeIfAbsent(routeId, id -> {
            RouteTraffic created = new RouteTraffic();
            Gauge.builder("ws.gateway.sessions.live", () -> live.of(id).open)
                    .description("Relayed sessions open now").tag("route", id).register(registry);
            directional(created, id, "ws.gateway.messages", "Relayed WebSocket messages",
                    Measure.MESSAGES_FROM_CLIENT, Measure.MESSAGES_FROM_BACKEND);
            directional(created, id, "ws.gateway.frames", "Relayed WebSocket data frames",
                    Measure.FRAMES_FROM_CLIENT, Measure.FRAMES_FROM_BACKEND);
            directional(created, id, "ws.gateway.bytes", "Relayed payload bytes",
                    Measure.BYTES_FROM_CLIENT, Measure.BYTES_FROM_BACKEND);
            FunctionCounter.builder("ws.gateway.backpressure.pauses", created,
                            t2 -> t2.total(Measure.READ_PAUSES, live.of(id).measures[Measure.READ_PAUSES.ordinal()]))
                    .description("Times a client's reads were paused because its previous message to the backend was still being sent")
                    .tag("route", id).register(registry);
            return created;
        });
    }

    private void directional(RouteTraffic t, String routeId, String name, String description, Measure fromClient,
                             Measure fromBackend) {
        FunctionCounter.builder(name, t, x -> x.total(fromClient, live.of(routeId).measures[fromClient.ordinal()]))
                .description(description).tag("route", routeId).tag("direction", "client_to_backend")
                .register(registry);
        FunctionCounter.builder(name, t, x -> x.total(fromBackend, live.of(routeId).measures[fromBackend.ordinal()]))
                .description(description).tag("route", routeId).tag("direction", "backend_to_client")
                .register(registry);
    }

    // ---- what GET /api/admin/routes/{id}/stats shows -------------------------------------------

    /** A route's figures since the gateway started, from the same meters /metrics shows. */
    public record RouteStats(long liveSessions, long handshakesAccepted, Map<String, Long> handshakesRefused,
                             long messagesFromClient, long messagesFromBackend, long bytesFromClient,
                             long bytesFromBackend, Map<String, Long> closesByCode) {
    }

    public RouteStats stats(String routeId) {
        long accepted = 0;
        Map<String, Long> refused = new TreeMap<>();
        for (Counter c : registry.find("ws.gateway.handshakes").tag("route", routeId).counters()) {
            long n = (long) c.count();
            if ("accepted".equals(c.getId().getTag("outcome"))) {
                accepted += n;
            } else {
                String reason = c.getId().getTag("reason");
                String policy = c.getId().getTag("policy");
                String key = NO_POLICY.equals(policy) ? reason : reason + ":" + policy;
                refused.merge(key, n, Long::sum);
            }
        }
        Map<String, Long> closes = new TreeMap<>();
        for (Counter c : registry.find("ws.gateway.closes").tag("route", routeId).counters()) {
            closes.merge(c.getId().getTag("code"), (long) c.count(), Long::sum);
        }
        RouteTraffic t = routes.get(routeId);
        LiveSessions.Sums now = live.of(routeId);
        return new RouteStats(now.open, accepted, refused,
                total(t, Measure.MESSAGES_FROM_CLIENT, now), total(t, Measure.MESSAGES_FROM_BACKEND, now),
                total(t, Measure.BYTES_FROM_CLIENT, now), total(t, Measure.BYTES_FROM_BACKEND, now), closes);
    }

    private static long total(RouteTraffic t, Measure m, LiveSessions.Sums now) {
        long live = now.measures[m.ordinal()];
        return t == null ? live : t.total(m, live);
    }
}
