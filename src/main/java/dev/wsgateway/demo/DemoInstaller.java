package dev.wsgateway.demo;

import dev.wsgateway.config.GatewaySettings;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.logging.Logger;

/** Deploys the demo echo backend when {@code gateway.demo.enabled} is true (the run command sets it). */
@WebListener
public class DemoInstaller implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(DemoInstaller.class.getName());

    @Inject
    GatewaySettings settings;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (!settings.demoEnabled()) {
            return;
        }
        ServerContainer container = (ServerContainer) event.getServletContext()
                .getAttribute(ServerContainer.class.getName());
        try {
            container.addEndpoint(ServerEndpointConfig.Builder.create(DemoEchoEndpoint.class, DemoEchoEndpoint.PATH)
                    .build());
            LOG.info("ws-gateway: demo echo backend at " + DemoEchoEndpoint.PATH);
        } catch (DeploymentException e) {
            throw new IllegalStateException("could not deploy the demo echo backend", e);
        }
    }
}
