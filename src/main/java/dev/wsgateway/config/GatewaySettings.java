package dev.wsgateway.config;

import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.relay.SessionLifetime;
import dev.wsgateway.route.Route;
import dev.wsgateway.route.RouteDefaults;
import dev.wsgateway.upstream.transport.BackendTls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The gateway's settings, typed, from MicroProfile Config: the WAR's defaults in
 * {@code META-INF/microprofile-config.properties} (from {@code webapp-config/}), overridden by system
 * properties or environment variables ({@code gateway.data-dir} is {@code GATEWAY_DATA_DIR}).
 */
@ApplicationScoped
public class GatewaySettings {
    @Inject
    Config config;

    public RouteDefaults routeDefaults() {
        return new RouteDefaults(
                config.getValue("gateway.route.connect-timeout-millis", Integer.class),
                config.getValue("gateway.route.idle-timeout-seconds", Integer.class),
                config.getValue("gateway.route.max-message-bytes", Integer.class),
                config.getOptionalValue("gateway.route.max-in-flight-bytes", Integer.class)
                        .orElse(Route.DEFAULT_MAX_IN_FLIGHT_BYTES),
                config.getValue("gateway.route.ping-interval-seconds", Integer.class),
                config.getOptionalValues("gateway.subprotocols", String.class).orElse(List.of()),
                config.getOptionalValue("gateway.route.max-buffered-message-bytes", Integer.class)
                        .orElse(Route.DEFAULT_MAX_BUFFERED_MESSAGE_BYTES),
                config.getOptionalValue("gateway.route.max-session-seconds", Integer.class).orElse(0));
    }

    /** How much earlier than its route's maximum age a session may be closed, in percent (0-50). */
    public int maxSessionJitterPercent() {
        return config.getOptionalValue("gateway.route.max-session-jitter-percent", Integer.class)
                .orElse(SessionLifetime.DEFAULT_JITTER_PERCENT);
    }

    /** A drain's window when the request names none ({@code gateway.drain.window-seconds}). */
    public int drainWindowSeconds() {
        return config.getOptionalValue("gateway.drain.window-seconds", Integer.class).orElse(30);
    }

    /** What a drained client gets when the request names nothing: 1012 (service restart) or 1001 (going away). */
    public Close drainClose() {
        int code = config.getOptionalValue("gateway.drain.code", Integer.class).orElse(1012);
        if (code != 1012 && code != CloseCodes.GOING_AWAY) {
            throw new IllegalArgumentException("gateway.drain.code must be 1012 or 1001, not " + code);
        }
        return new Close(code, config.getOptionalValue("gateway.drain.reason", String.class).orElse("gateway restarting"));
    }

    /** The {@code Retry-After} of the 503 a handshake gets during a drain. */
    public int drainRetryAfterSeconds() {
        return config.getOptionalValue("gateway.drain.retry-after-seconds", Integer.class).orElse(5);
    }

    /** The drain window on undeploy or server shutdown, at most 60 s (0: every session closed at once). */
    public int drainShutdownWindowSeconds() {
        int seconds = config.getOptionalValue("gateway.drain.shutdown-window-seconds", Integer.class).orElse(10);
        return Math.max(0, Math.min(seconds, MAX_SHUTDOWN_DRAIN_SECONDS));
    }

    /** The server's stop waits at most this long (plus a second) for the drain on shutdown. */
    public static final int MAX_SHUTDOWN_DRAIN_SECONDS = 60;

    /** Where durable state (routes) lives: the configured directory, else one under the server's data area. */
    public Path dataDir() {
        Optional<String> configured = config.getOptionalValue("gateway.data-dir", String.class)
                .filter(s -> !s.isBlank());
        if (configured.isPresent()) {
            return Path.of(configured.get());
        }
        for (String serverDataProperty : List.of(
                "jboss.server.data.dir",       // WildFly
                "server.output.dir",           // Open Liberty
                "com.sun.aas.instanceRoot")) { // Payara
            String dir = System.getProperty(serverDataProperty);
            if (dir != null) {
                return Path.of(dir, "ws-gateway");
            }
        }
        return Path.of(System.getProperty("user.home"), ".ws-gateway");
    }

    /** Handshakes that may wait for their backends at once, over all routes. */
    public int handshakeMaxWaiting() {
        return config.getValue("gateway.handshake.max-waiting", Integer.class);
    }

    /** ... and of one route. */
    public int handshakeMaxWaitingPerRoute() {
        return config.getValue("gateway.handshake.max-waiting-per-route", Integer.class);
    }

    /** Selector threads of the backend transport; 0 (the default): one per core. */
    public int backendIoThreads() {
        int configured = config.getOptionalValue("gateway.backend.io-threads", Integer.class).orElse(0);
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Whether a backend connection goes on its client connection's I/O thread where the server lets the gateway
     * do that (Undertow, WildFly), rather than on the transport's own threads.
     */
    public boolean backendColocate() {
        return config.getOptionalValue("gateway.backend.colocate", Boolean.class).orElse(true);
    }

    /**
     * With {@link #backendColocate} on Undertow: whether the upgrade of a handshake whose backend answered on the
     * client's I/O thread runs there too, rather than on a worker thread.
     */
    public boolean handshakeUpgradeOnIoThread() {
        return config.getOptionalValue("gateway.handshake.upgrade-on-io-thread", Boolean.class).orElse(true);
    }

    /**
     * Trust for {@code wss://} backends: the trust store file if {@code gateway.backend.tls.trust-store} is set,
     * else the JVM's default; hostnames verified unless {@code gateway.backend.tls.verify-hostname=false}.
     */
    public BackendTls backendTls() {
        boolean verifyHostname = config.getOptionalValue("gateway.backend.tls.verify-hostname", Boolean.class)
                .orElse(true);
        Optional<String> store = config.getOptionalValue("gateway.backend.tls.trust-store", String.class)
                .filter(s -> !s.isBlank());
        if (store.isEmpty()) {
            return BackendTls.jvmDefault(verifyHostname);
        }
        char[] password = config.getOptionalValue("gateway.backend.tls.trust-store-password", String.class)
                .filter(s -> !s.isEmpty()).map(String::toCharArray).orElse(null);
        String type = config.getOptionalValue("gateway.backend.tls.trust-store-type", String.class).orElse("");
        return BackendTls.trusting(Path.of(store.get()), password, type, verifyHostname);
    }

    /** The same two limits where a waiting handshake holds its request thread (Payara: no upgrade after async). */
    public int handshakeMaxWaitingOnThreads() {
        return config.getValue("gateway.handshake.max-waiting-on-threads", Integer.class);
    }

    public int handshakeMaxWaitingOnThreadsPerRoute() {
        return config.getValue("gateway.handshake.max-waiting-on-threads-per-route", Integer.class);
    }

    /** Largest single frame a backend may send (the Tyrus client holds a whole frame before passing it on). */
    public int backendMaxFrameBytes() {
        return config.getValue("gateway.backend.max-frame-bytes", Integer.class);
    }

    public boolean demoEnabled() {
        return config.getOptionalValue("gateway.demo.enabled", Boolean.class).orElse(false);
    }

    /** Whether meters are also pushed by OTLP (to an OpenTelemetry collector); /metrics is served either way. */
    public boolean otlpEnabled() {
        return config.getOptionalValue("gateway.metrics.otlp.enabled", Boolean.class).orElse(false);
    }

    public String otlpUrl() {
        return config.getValue("gateway.metrics.otlp.url", String.class);
    }

    public Duration otlpStep() {
        return Duration.ofSeconds(config.getValue("gateway.metrics.otlp.step-seconds", Integer.class));
    }

    public int adminMaxBodyBytes() {
        return config.getValue("gateway.admin.max-body-bytes", Integer.class);
    }

    /** How long a pushed message may wait for a fragmented message under way to end before it is refused. */
    public int pushMaxWaitSeconds() {
        return config.getOptionalValue("gateway.push.max-wait-seconds", Integer.class).orElse(5);
    }
}
