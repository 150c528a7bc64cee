package dev.wsgateway.health;

import dev.wsgateway.config.GatewayBeans;
import dev.wsgateway.relay.SessionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the application runs; reports how many sessions are being relayed. */
@Liveness
@ApplicationScoped
public class RelayLiveness implements HealthCheck {
    @Inject
    Instance<SessionRegistry> sessions;

    @Override
    public HealthCheckResponse call() {
        if (!GatewayBeans.started()) { // see GatewayBeans.started()
            return HealthCheckResponse.named("ws-gateway-relay").up().withData("sessions", 0).build();
        }
        return HealthCheckResponse.named("ws-gateway-relay").up().withData("sessions", sessions.get().size()).build();
    }
}
