package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.relay.Drain;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Locale;

/**
 * This instance's graceful drain: start one ({@code POST}: readiness DOWN, handshakes 503, live sessions closed
 * spread over the window), see how far it got ({@code GET}), cancel it ({@code DELETE}: readiness UP,
 * handshakes accepted, sessions not yet closed stay open). In a cluster each instance drains only itself.
 */
@Path("/admin/drain")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DrainResource {
    @Inject
    Drain drain;
    @Inject
    GatewaySettings settings;

    @GET
    public String status() {
        return json(drain.status()).build().toString();
    }

    /** 202 with the status; 409 when a drain is already running or finished (cancel it first). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length) {
        DrainRequest request = DrainRequest.parse(fields(body, length), settings.drainWindowSeconds(),
                settings.drainClose());
        try {
            Drain.Status status = drain.start(request.windowSeconds(), request.close(), Drain.CAUSE);
            return Response.accepted(json(status).build().toString()).build();
        } catch (Drain.AlreadyDraining e) {
            throw new ApiProblem(409, "Conflict", e.getMessage());
        }
    }

    /** Cancels; 200 with the status as it was (state idle when there was no drain). */
    @DELETE
    public String cancel() {
        return json(drain.cancel()).build().toString();
    }

    /** The body's fields, or null for an empty body (the defaults then). */
    private JsonFields fields(InputStream body, Long length) {
        if (length != null && length == 0) {
            return null;
        }
        PushbackInputStream in = new PushbackInputStream(body, 1);
        try {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            in.unread(first);
        } catch (IOException e) {
            throw new ApiProblem(400, "Bad Request", "The request body could not be read.");
        }
        return JsonBodies.readFields(in, length, settings.adminMaxBodyBytes());
    }

    static JsonObjectBuilder json(Drain.Status status) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("state", status.state().name().toLowerCase(Locale.ROOT));
        if (status.startedAt() != null) {
            b.add("startedAt", status.startedAt().toString())
                    .add("windowSeconds", status.windowSeconds())
                    .add("code", status.close().code())
                    .add("reason", status.close().reason())
                    .add("sessionsAtStart", status.sessionsAtStart())
                    .add("closed", status.closed());
        }
        return b.add("remaining", status.remaining());
    }
}
