package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Routes created over REST survive an undeploy and a new deployment of the WAR. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DurabilityIT {
    private static final String GATEWAY = "gateway";

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = GATEWAY, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.gatewayWar();
    }

    @Test
    void routesSurviveARedeploy() throws Exception {
        // The deployment is not managed, so Arquillian cannot inject its URL: the build says where the server is.
        // (WildFly: 8080 moved by the build's port offset)
        URL base = new URL(System.getProperty("gateway.it.base-url",
                "http://127.0.0.1:" + (8080 + Integer.getInteger("wildfly.it.port-offset", 0)) + "/"));
        String route = "{\"id\":\"durable\",\"path\":\"/durable\",\"backend\":\"ws://127.0.0.1:9/x\",\"description\":\"kept\"}";
        deployer.deploy(GATEWAY);
        try {
            new Admin(base).createRoute(route);
        } finally {
            deployer.undeploy(GATEWAY);
        }
        deployer.deploy(GATEWAY);
        try {
            HttpResponse<String> read = new Admin(base).as("GET", "/api/admin/routes/durable", null);
            assertEquals(200, read.statusCode());
            assertEquals(true, read.body().contains("\"description\":\"kept\""), read.body());
        } finally {
            deployer.undeploy(GATEWAY);
        }
    }
}
