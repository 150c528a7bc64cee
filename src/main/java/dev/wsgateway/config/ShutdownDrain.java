package dev.wsgateway.config;

import dev.wsgateway.relay.Drain;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/**
 * On undeploy or server shutdown, drains this instance before the session registry closes what is left: the
 * sessions are closed spread over {@code gateway.drain.shutdown-window-seconds} (at most 60) and the stop waits
 * for that, so a rolling restart does not make every client reconnect at the same instant. With no sessions
 * it does not wait. A drain already running (started over the admin API) goes on and is waited for instead.
 */
@WebListener
public class ShutdownDrain implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class.getName());

    @Inject
    Drain drain;
    @Inject
    GatewaySettings settings;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        int window = settings.drainShutdownWindowSeconds();
        Drain.Status before = drain.status();
        if (before.remaining() == 0) {
            return;
        }
        LOG.info(() -> "ws-gateway: draining " + before.remaining() + " sessions over " + window + " s before stopping");
        try {
            drain.drainAndWait(window, settings.drainClose());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
