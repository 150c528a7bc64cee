package dev.wsgateway.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The real WAR the build produced, deployed as it is: the tests exercise exactly what users deploy. */
final class Deployments {
    private Deployments() {
    }

    static WebArchive gatewayWar() {
        File war = new File(System.getProperty("gateway.war", "target/ws-gateway.war"));
        return ShrinkWrap.create(ZipImporter.class, "ws-gateway.war").importFrom(war).as(WebArchive.class);
    }
}
