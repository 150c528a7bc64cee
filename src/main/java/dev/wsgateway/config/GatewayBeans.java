package dev.wsgateway.config;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.access.AccessLog;
import dev.wsgateway.edge.WaitingHandshakes;
import dev.wsgateway.identity.ApiKeyStore;
import dev.wsgateway.identity.BasicUserStore;
import dev.wsgateway.identity.RevocationStore;
import dev.wsgateway.metrics.GatewayMeters;
import dev.wsgateway.policy.Cidr;
import dev.wsgateway.policy.ClientAddresses;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.handshake.PolicyCatalog;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.policy.message.MessagePolicyCatalog;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.relay.Drain;
import dev.wsgateway.relay.SessionLifetime;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.route.RouteDefinition;
import dev.wsgateway.route.RouteFile;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.upstream.BackendConnector;
import dev.wsgateway.upstream.transport.BackendTransport;
import dev.wsgateway.policy.builtin.RateLimitStores;
import dev.wsgateway.store.pg.PgCluster;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.Config;

/** Builds the gateway's long-lived parts from the settings, loads the routes at start, closes it all at stop. */
@ApplicationScoped
public class GatewayBeans {
    private static final Logger LOG = Logger.getLogger(GatewayBeans.class.getName());
    static final String SEED_ROUTES = "/gateway/seed-routes.json";

    @Inject
    GatewaySettings settings;

    static final Close REVOKED = new Close(CloseCodes.POLICY_VIOLATION, "credential revoked");
    static final Close REVOKED_TO_BACKEND = new Close(CloseCodes.GOING_AWAY, "client credential revoked");

    @Inject
    Config config;

    private volatile String loadFailure;
    /** Set once the application started (see {@link #started()}). */
    private static volatile boolean started;
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ws-gateway-store-retry");
        t.setDaemon(true);
        return t;
    });
    static final int RETRY_SECONDS = 5;
    static final String ROUTES = "routes";
    static final String API_KEYS = "api-keys";
    static final String BASIC_USERS = "basic-users";
    static final String REVOCATIONS = "revocations";
    static final Close CLOSED_BY_ADMIN_TO_BACKEND = new Close(CloseCodes.GOING_AWAY, "client session closed by the gateway");

    /** File store (default) or the cluster's PostgreSQL, as {@code gateway.store} says. */
    @Produces
    @Singleton
    GatewayStorage storage(GatewayDefaults defaults) {
        return GatewayStorage.fromConfig(defaults);
    }

    void closeStorage(@Disposes GatewayStorage storage) {
        storage.close();
    }

    @Produces
    @Singleton
    RateLimitStores rateLimitStores(GatewayStorage storage) {
        return storage.rateLimits();
    }

    @Produces
    @Singleton
    RouteStore routeStore(PolicyCatalog catalog, MessagePolicyCatalog messageCatalog, GatewayStorage storage) {
        return new RouteStore(storage.isShared() ? storage.cluster().collection(ROUTES) : new RouteFile(settings.dataDir()),
                settings.routeDefaults(), () -> seedRoutes(catalog::problems, messageCatalog::problems));
    }

    @Produces
    @Singleton
    SessionRegistry sessionRegistry(GatewayMeters meters) {
        return new SessionRegistry(session -> {
            meters.sessionEnded(session);
            AccessLog.sessionEnded(session);
        }, new SessionLifetime(settings.maxSessionJitterPercent(), new Random()));
    }

    /** This instance's drain (POST /api/admin/drain, and on shutdown: see {@link ShutdownDrain}). */
    @Produces
    @Singleton
    Drain drain(SessionRegistry sessions) {
        return new Drain(sessions, new Random(), settings.drainRetryAfterSeconds());
    }

    void closeSessions(@Disposes SessionRegistry registry) {
        registry.close();
    }

    @Produces
    @Singleton
    BackendTransport backendTransport() {
        return new BackendTransport(settings.backendIoThreads(), managedThreads(), settings.backendTls());
    }

    void closeTransport(@Disposes BackendTransport transport) {
        transport.close();
    }

    @Produces
    @Singleton
    BackendConnector backendConnector(BackendTransport transport) {
        return new BackendConnector(transport, settings.backendMaxFrameBytes());
    }

    void closeConnector(@Disposes BackendConnector connector) {
        connector.close();
    }

    /** The server's managed thread factory where it has one (the transport's threads then carry its context). */
    static ThreadFactory managedThreads() {
        try {
            Object factory = new InitialContext().lookup("java:comp/DefaultManagedThreadFactory");
            if (factory instanceof ThreadFactory f) {
                return f;
            }
        } catch (NamingException | RuntimeException e) {
            LOG.log(Level.FINE, "no managed thread factory; the backend transport uses plain threads", e);
        }
        return Thread::new;
    }

    @Produces
    @Singleton
    GatewayDefaults gatewayDefaults() {
        return key -> config.getOptionalValue(key, String.class);
    }

    @Produces
    @Singleton
    ClientAddresses clientAddresses(GatewayDefaults defaults) {
        return new ClientAddresses(defaults.list("gateway.trusted-proxies").stream().map(Cidr::parse).toList());
    }

    @Produces
    @Singleton
    ApiKeyStore apiKeyStore(GatewayStorage storage) {
        return storage.isShared() ? new ApiKeyStore(storage.cluster().collection(API_KEYS), Clock.systemUTC())
                : new ApiKeyStore(settings.dataDir(), Clock.systemUTC());
    }

    @Produces
    @Singleton
    BasicUserStore basicUserStore(GatewayStorage storage) {
        return storage.isShared() ? new BasicUserStore(storage.cluster().collection(BASIC_USERS), Clock.systemUTC())
                : new BasicUserStore(settings.dataDir(), Clock.systemUTC());
    }

    /** Also the {@link dev.wsgateway.policy.Revocations} the policies ask. */
    @Produces
    @Singleton
    RevocationStore revocationStore(GatewayStorage storage) {
        return storage.isShared() ? new RevocationStore(storage.cluster().collection(REVOCATIONS), Clock.systemUTC())
                : new RevocationStore(settings.dataDir(), Clock.systemUTC());
    }

    /** Every {@link PolicyFactory} bean, and the gateway-wide entries of {@code gateway.policies} (a JSON array). */
    @Produces
    @Singleton
    PolicyCatalog policyCatalog(@Any Instance<PolicyFactory> factories, GatewayDefaults defaults) {
        return new PolicyCatalog(factories.stream().toList(), policyEntries(defaults, "gateway.policies"));
    }

    /**
     * Every {@link MessagePolicyFactory} bean, the gateway-wide entries of {@code gateway.message-policies} (a JSON
     * array), and the metrics' verdict counters.
     */
    @Produces
    @Singleton
    MessagePolicyCatalog messagePolicyCatalog(@Any Instance<MessagePolicyFactory> factories, GatewayDefaults defaults,
                                              GatewayMeters meters) {
        return new MessagePolicyCatalog(factories.stream().toList(), policyEntries(defaults, "gateway.message-policies"),
                meters::messagePolicyVerdict);
    }

    /** A configuration key's JSON array of policy objects (absent: none). */
    private static List<JsonObject> policyEntries(GatewayDefaults defaults, String key) {
        List<JsonObject> global = new ArrayList<>();
        String text = defaults.get(key).orElse("[]");
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            for (JsonValue v : reader.readArray()) {
                global.add(v.asJsonObject());
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be a JSON array of policy objects", e);
        }
        return global;
    }

    @Produces
    @Singleton
    WaitingHandshakes waitingHandshakes() {
        return new WaitingHandshakes(settings.handshakeMaxWaiting(), settings.handshakeMaxWaitingPerRoute());
    }

    /**
     * Loads the stores as the application starts; readiness stays DOWN until this succeeded. Revoking a key
     * or a credential closes the live sessions that use it, whichever instance of a cluster revoked it. With
     * the shared store, a database that cannot be reached at start is tried again every few seconds.
     */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event, RouteStore routes, ApiKeyStore keys,
               BasicUserStore users, RevocationStore revocations, SessionRegistry sessions, PolicyCatalog catalog,
               GatewayStorage storage) {
        started = true;
        keys.onRevoked(key -> sessions.closeMatching(c -> key.id().equals(c.apiKeyId()), REVOKED, REVOKED_TO_BACKEND));
        revocations.onRevoked(r -> sessions.closeMatching(r::matches, REVOKED, REVOKED_TO_BACKEND));
        PgCluster cluster = storage.cluster();
        if (cluster != null) {
            cluster.follow(ROUTES, routes.records());
            cluster.follow(API_KEYS, keys.records());
            cluster.follow(BASIC_USERS, users.records());
            cluster.follow(REVOCATIONS, revocations.records());
            cluster.onCloseSession((id, detail) -> sessions.get(id).ifPresent(s -> s.close("admin",
                    new Close(detail.getInt("code", CloseCodes.POLICY_VIOLATION),
                            detail.getString("reason", "closed by the gateway administrator")),
                    CLOSED_BY_ADMIN_TO_BACKEND)));
            cluster.publishSessions(() -> ClusterSessions.summaries(sessions, cluster.instanceId()));
        }
        load(routes, keys, users, revocations, cluster);
    }

    private void load(RouteStore routes, ApiKeyStore keys, BasicUserStore users, RevocationStore revocations,
                      PgCluster cluster) {
        try {
            if (cluster != null) {
                cluster.start();
            }
            keys.load();
            users.load();
            revocations.load();
            routes.load();
            loadFailure = null;
            LOG.info(() -> "ws-gateway: " + routes.list().size() + " routes loaded from "
                    + (cluster != null ? "the cluster database (instance " + cluster.instanceId() + ")" : settings.dataDir()));
        } catch (IOException | RuntimeException e) {
            boolean again = !e.getMessage().equals(loadFailure);
            loadFailure = e.getMessage();
            if (again) {
                LOG.log(Level.SEVERE, "ws-gateway: the stores could not be loaded; the gateway is not ready", e);
            }
            if (cluster != null) {
                retry.schedule(() -> load(routes, keys, users, revocations, cluster), RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    @PreDestroy
    void stopRetrying() {
        retry.shutdownNow();
    }

    /** Why the route store did not load, or null. */
    /**
     * Whether the application's start ran. Until then readiness checks must not create the gateway's beans: on
     * Payara a probe of /health/ready during the deployment runs them on a server thread, where MicroProfile
     * Config does not see the WAR's defaults, and the deployment then fails ("Unable to find property
     * gateway.route.connect-timeout-millis").
     */
    public static boolean started() {
        return started;
    }

    public String loadFailure() {
        return loadFailure;
    }

    static List<RouteDefinition> seedRoutes(RouteDefinition.PolicyCheck policyCheck,
                                            RouteDefinition.PolicyCheck messagePolicyCheck) {
        try (InputStream in = GatewayBeans.class.getResourceAsStream(SEED_ROUTES)) {
            if (in == null) {
                return List.of();
            }
            try (JsonReader reader = JSON.createReader(in)) {
                List<RouteDefinition> seeds = new ArrayList<>();
                for (JsonValue v : reader.readArray()) {
                    seeds.add(RouteDefinition.fromJson(v.asJsonObject(), policyCheck, messagePolicyCheck));
                }
                return seeds;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
