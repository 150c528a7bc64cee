package dev.wsgateway.admin;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.config.GatewayStorage;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
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

/** {@code /api/admin/sessions/{id}/trace}: one live session of this instance. */
@Path("/admin/sessions/{id}/trace")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionTraceResource {
    @Inject
    Tracing tracing;
    @Inject
    SessionRegistry sessions;
    @Inject
    GatewayStorage storage;
    @Inject
    GatewaySettings settings;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(@PathParam("id") String id, InputStream body,
                          @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length) {
        RelaySession session = sessions.get(id).orElseThrow(() -> notLiveHere(id));
        TraceSettings parsed = TraceResources.settings(tracing, settings, body, length);
        return Response.ok(TraceJson.summary(tracing.traceSession(session, parsed)).build().toString()).build();
    }

    /** The session's trace, also after the session ended (within the retention). */
    @GET
    public String read(@PathParam("id") String id) {
        return TraceJson.session(tracing.session(id).orElseThrow(() -> TraceResources.noTrace("session"))).build().toString();
    }

    @DELETE
    public Response stop(@PathParam("id") String id) {
        if (!tracing.stopSession(id)) {
            throw TraceResources.noTrace("session");
        }
        return Response.noContent().build();
    }

    private ApiProblem notLiveHere(String id) {
        String owner = SessionMessagesResource.owner(storage.cluster(), id);
        return owner == null ? new ApiProblem(404, "Not Found", "No live session with this id.")
                : new ApiProblem(409, "Conflict", "The session lives on gateway instance " + owner
                        + "; trace it through that instance's admin API.");
    }
}
