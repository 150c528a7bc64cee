package dev.wsgateway.config;

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
                        .orElse(Route.DEFAULT_MAX_BUFFERED_MESSAGE_BYTES));
    }

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
