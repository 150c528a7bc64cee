package dev.wsgateway.health;

import dev.wsgateway.config.GatewayBeans;
import dev.wsgateway.config.GatewayStorage;
import dev.wsgateway.store.pg.PgCluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The store: always up with the file store; with the cluster's PostgreSQL, down while the database cannot
 * be reached (live sessions and the handshakes the snapshot decides go on meanwhile; see docs/cluster.md).
 */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {
    @Inject
    Instance<GatewayStorage> storage;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ws-gateway-store");
        if (!GatewayBeans.started()) { // see GatewayBeans.started()
            return response.down().withData("reason", "starting").build();
        }
        PgCluster cluster = storage.get().cluster();
        if (cluster == null) {
            return response.up().withData("store", GatewayStorage.FILE).build();
        }
        response.withData("store", GatewayStorage.POSTGRESQL).withData("instance", cluster.instanceId());
        if (!cluster.isStarted()) {
            return response.down().withData("reason", "not connected to the database yet").build();
        }
        if (cluster.unreachableSince() != null) {
            return response.down().withData("reason", "database unreachable")
                    .withData("since", cluster.unreachableSince().toString()).build();
        }
        return response.up().build();
    }
}
