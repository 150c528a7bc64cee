package dev.wsgateway.it;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the end-to-end test classes share: the real WAR deployed to the managed server, black-box tests
 * from the client side, and a real backend (a Tyrus server) for the class.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
abstract class GatewayTestBase {
    static TestBackend backend;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.gatewayWar();
    }

    @BeforeAll
    static void startBackend() throws Exception {
        backend = TestBackend.start();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @BeforeEach
    void startOfTest() {
        TestBackend.startOfTest();
    }

    Admin admin() {
        return new Admin(base);
    }

    /** The gateway's WebSocket URI for a path under /ws. */
    String ws(String path) {
        return "ws://" + base.getHost() + ":" + base.getPort() + "/ws" + path;
    }
}
