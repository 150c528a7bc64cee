package dev.wsgateway.admin;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.trace.TraceJson;
import dev.wsgateway.trace.TraceSettings;
import dev.wsgateway.trace.Tracing;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/** {@code /api/admin/routes/{id}/trace}: the route's sessions, live and opened until the deadline. */
@Path("/admin/routes/{id}/trace")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RouteTraceResource {
    @Inject
    Tracing tracing;
    @Inject
    RouteStore routes;
    @Inject
    GatewaySettings settings;

    /** {@code {"seconds": 60, "frames": 100, "previewBytes": 64, "redactFields": [...], "redactPatterns": [...]}}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(@PathParam("id") String id, InputStream body,
                          @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length) {
        routes.route(id).orElseThrow(() -> new ApiProblem(404, "Not Found", "No route with this id."));
        TraceSettings parsed = TraceResources.settings(tracing, settings, body, length);
        return Response.ok(TraceJson.route(tracing.traceRoute(id, parsed), false).build().toString()).build();
    }

    @GET
    public String read(@PathParam("id") String id) {
        return TraceJson.route(tracing.route(id).orElseThrow(() -> TraceResources.noTrace("route")), true).build().toString();
    }

    @DELETE
    public Response stop(@PathParam("id") String id) {
        if (!tracing.stopRoute(id)) {
            throw TraceResources.noTrace("route");
        }
        return Response.noContent().build();
    }
}
