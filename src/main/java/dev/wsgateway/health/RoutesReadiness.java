package dev.wsgateway.health;

import dev.wsgateway.config.GatewayBeans;
import dev.wsgateway.route.RouteStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the route store is loaded: before that every handshake would be a 404. */
@Readiness
@ApplicationScoped
public class RoutesReadiness implements HealthCheck {
    @Inject
    Instance<RouteStore> routeStore;
    @Inject
    GatewayBeans beans;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ws-gateway-routes");
        if (!GatewayBeans.started()) {
            return response.down().withData("reason", "starting").build();
        }
        RouteStore routes = routeStore.get();
        if (!routes.isLoaded()) {
            String failure = beans.loadFailure();
            return response.down().withData("reason", failure == null ? "loading" : "route store could not be loaded")
                    .build();
        }
        return response.up().withData("routes", routes.list().size()).build();
    }
}
