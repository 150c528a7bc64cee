package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.metrics.GatewayMeters;
import dev.wsgateway.metrics.GatewayMeters.RouteStats;
import dev.wsgateway.route.RouteStore;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code GET /api/admin/routes/{id}/stats}: one route's figures since the gateway started (the same meters as /metrics). */
@Path("/admin/routes/{id}/stats")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RouteStatsResource {
    @Inject
    RouteStore routes;
    @Inject
    GatewayMeters meters;

    @GET
    public String stats(@PathParam("id") String id) {
        if (routes.get(id).isEmpty()) {
            throw new ApiProblem(404, "Not Found", "No route with this id.");
        }
        RouteStats s = meters.stats(id);
        return JSON.createObjectBuilder()
                .add("route", id)
                .add("liveSessions", s.liveSessions())
                .add("handshakes", JSON.createObjectBuilder()
                        .add("accepted", s.handshakesAccepted())
                        .add("refused", counts(s.handshakesRefused())))
                .add("fromClient", JSON.createObjectBuilder()
                        .add("messages", s.messagesFromClient()).add("bytes", s.bytesFromClient()))
                .add("fromBackend", JSON.createObjectBuilder()
                        .add("messages", s.messagesFromBackend()).add("bytes", s.bytesFromBackend()))
                .add("closesByCode", counts(s.closesByCode()))
                .build().toString();
    }

    private static JsonObjectBuilder counts(Map<String, Long> counts) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        counts.forEach(b::add);
        return b;
    }
}
