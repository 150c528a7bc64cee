package dev.wsgateway.config;

import dev.wsgateway.edge.HandshakeGate;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.route.RouteDefinition;
import dev.wsgateway.route.RouteFile;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.upstream.BackendConnector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Builds the gateway's long-lived parts from the settings, loads the routes at start, closes it all at stop. */
@ApplicationScoped
public class GatewayBeans {
    private static final Logger LOG = Logger.getLogger(GatewayBeans.class.getName());
    static final String SEED_ROUTES = "/gateway/seed-routes.json";

    @Inject
    GatewaySettings settings;

    private volatile String loadFailure;

    @Produces
    @Singleton
    RouteStore routeStore() {
        return new RouteStore(new RouteFile(settings.dataDir()), settings.routeDefaults(), GatewayBeans::seedRoutes);
    }

    @Produces
    @Singleton
    SessionRegistry sessionRegistry() {
        return new SessionRegistry();
    }

    void closeSessions(@Disposes SessionRegistry registry) {
        registry.close();
    }

    @Produces
    @Singleton
    BackendConnector backendConnector() {
        return new BackendConnector(settings.backendReaderThreads(), settings.backendMaxFrameBytes());
    }

    void closeConnector(@Disposes BackendConnector connector) {
        connector.close();
    }

    @Produces
    @Singleton
    HandshakeGate handshakeGate() {
        return new HandshakeGate(settings.handshakeMaxPending(), settings.handshakeMaxPendingPerRoute());
    }

    /** Loads the route store as the application starts; readiness stays DOWN until this succeeded. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event, RouteStore routes) {
        try {
            routes.load();
            LOG.info(() -> "ws-gateway: " + routes.list().size() + " routes loaded from " + settings.dataDir());
        } catch (IOException | RuntimeException e) {
            loadFailure = e.getMessage();
            LOG.log(Level.SEVERE, "ws-gateway: the route store could not be loaded; the gateway is not ready", e);
        }
    }

    /** Why the route store did not load, or null. */
    public String loadFailure() {
        return loadFailure;
    }

    static List<RouteDefinition> seedRoutes() {
        try (InputStream in = GatewayBeans.class.getResourceAsStream(SEED_ROUTES)) {
            if (in == null) {
                return List.of();
            }
            try (JsonReader reader = Json.createReader(in)) {
                List<RouteDefinition> seeds = new ArrayList<>();
                for (JsonValue v : reader.readArray()) {
                    seeds.add(RouteDefinition.fromJson(v.asJsonObject()));
                }
                return seeds;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
