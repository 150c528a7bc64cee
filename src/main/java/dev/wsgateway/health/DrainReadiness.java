package dev.wsgateway.health;

import dev.wsgateway.relay.Drain;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** DOWN while this instance drains or is drained (until the drain is cancelled), so load balancers move on. */
@Readiness
@ApplicationScoped
public class DrainReadiness implements HealthCheck {
    @Inject
    Drain drain;

    @Override
    public HealthCheckResponse call() {
        Drain.Status status = drain.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ws-gateway-drain")
                .withData("state", status.state().name().toLowerCase(Locale.ROOT));
        if (status.state() == Drain.State.IDLE) {
            return response.up().build();
        }
        return response.down().withData("startedAt", status.startedAt().toString())
                .withData("remaining", status.remaining()).build();
    }
}
