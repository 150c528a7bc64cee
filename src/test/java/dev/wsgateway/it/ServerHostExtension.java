package dev.wsgateway.it;

import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.arquillian.container.spi.context.annotation.DeploymentScoped;
import org.jboss.arquillian.container.spi.event.container.AfterDeploy;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.InstanceProducer;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Points the {@code @ArquillianResource URL} of every deployment at the host named by the system property
 * {@code gateway.it.server-host}, when the build sets it. Payara Micro's adapter takes the host from the
 * address Payara advertises, which is the machine's first non-loopback address even when the HTTP listener is
 * bound to 127.0.0.1 only; the tests must then connect to 127.0.0.1. Without the property nothing changes.
 */
public class ServerHostExtension implements LoadableExtension {
    static final String PROPERTY = "gateway.it.server-host";

    @Override
    public void register(ExtensionBuilder builder) {
        if (System.getProperty(PROPERTY) != null) {
            builder.observer(PinHost.class);
        }
    }

    public static class PinHost {
        @Inject
        @DeploymentScoped
        private InstanceProducer<ProtocolMetaData> metaData;
        @Inject
        private Instance<ProtocolMetaData> current;

        public void afterDeploy(@Observes AfterDeploy event) {
            ProtocolMetaData original = current.get();
            if (original == null) {
                return;
            }
            String host = System.getProperty(PROPERTY);
            ProtocolMetaData pinned = new ProtocolMetaData();
            for (Object context : original.getContexts()) {
                if (context instanceof HTTPContext http) {
                    HTTPContext moved = new HTTPContext(http.getName(), host, http.getPort());
                    List<Servlet> servlets = new ArrayList<>(http.getServlets());
                    for (Servlet servlet : servlets) {
                        moved.add(new Servlet(servlet.getName(), servlet.getContextRoot()));
                    }
                    pinned.addContext(moved);
                } else {
                    pinned.addContext(context);
                }
            }
            metaData.set(pinned);
        }
    }
}
