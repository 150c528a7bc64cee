package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.config.GatewayStorage;
import dev.wsgateway.relay.Frame;
import dev.wsgateway.relay.Pushes;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.relay.Side;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.store.pg.PgCluster;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Pushes a text or binary message into a live session, to the client or to the backend (issue 15). The message
 * goes at a message boundary of the frames relayed that way and within that direction's budget of bytes in
 * flight ({@link Pushes}); the answer comes once it is queued there (202), or refused: 409 when another push
 * already waits in that direction or the session is closing, 503 with {@code Retry-After} when the direction is
 * over its budget or a fragmented message did not end within {@code gateway.push.max-wait-seconds} (then it was
 * not sent). A session of another instance of a cluster is not pushed to from here: 409 naming the instance.
 */
@Path("/admin/sessions/{id}/messages")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionMessagesResource {
    private static final Set<String> FIELDS = Set.of("to", "text", "binaryBase64");

    @Inject
    SessionRegistry sessions;
    @Inject
    GatewayStorage storage;
    @Inject
    GatewaySettings settings;

    /** {@code {"to": "client", "text": "..."}} or {@code {"to": "backend", "binaryBase64": "..."}}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public void push(@PathParam("id") String id, InputStream body,
                     @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length, @Suspended AsyncResponse answer) {
        try {
            RelaySession session = find(id);
            JsonFields f = JsonBodies.readFields(body, length, settings.adminMaxBodyBytes());
            Map.Entry<Side, Frame> message = message(f, limit(session));
            long maxWait = TimeUnit.SECONDS.toNanos(settings.pushMaxWaitSeconds());
            session.push(message.getKey(), message.getValue(), maxWait).whenComplete((outcome, failure) ->
                    answer.resume(failure != null
                            ? new ApiProblem(500, "Internal Server Error", "The push failed.").toResponse()
                            : response(outcome, message.getKey())));
        } catch (ApiProblem problem) {
            answer.resume(problem.toResponse());
        }
    }

    /** The largest message pushed: the route's message size, and no more than its budget of bytes in flight. */
    private static long limit(RelaySession session) {
        return Math.min(session.route().maxMessageBytes(), session.route().maxInFlightBytes());
    }

    static Map.Entry<Side, Frame> message(JsonFields f, long maxBytes) {
        f.rejectUnknown(FIELDS);
        String to = f.string("to", true);
        Side side = null;
        if ("client".equals(to)) {
            side = Side.CLIENT;
        } else if ("backend".equals(to)) {
            side = Side.BACKEND;
        } else if (to != null) {
            f.error("to", "must be \"client\" or \"backend\"");
        }
        String text = f.string("text", false);
        String base64 = f.string("binaryBase64", false);
        Frame frame = null;
        if ((text == null) == (base64 == null)) {
            f.error(text == null ? "text" : "binaryBase64", "give exactly one of text and binaryBase64");
        } else if (text != null) {
            frame = Frame.text(text, true);
            if (frame.length() > maxBytes) {
                f.error("text", "larger than " + maxBytes + " bytes (the route's message size or in-flight budget)");
            }
        } else {
            try {
                byte[] data = Base64.getDecoder().decode(base64);
                if (data.length > maxBytes) {
                    f.error("binaryBase64", "larger than " + maxBytes
                            + " bytes (the route's message size or in-flight budget)");
                }
                frame = Frame.binary(ByteBuffer.wrap(data), true);
            } catch (IllegalArgumentException e) {
                f.error("binaryBase64", "not valid base64");
            }
        }
        if (!f.errors().isEmpty()) {
            throw KeysResource.invalid(f.errors());
        }
        return Map.entry(side, frame);
    }

    private static Response response(Pushes.Outcome outcome, Side to) {
        return switch (outcome) {
            case QUEUED -> Response.accepted(JSON.createObjectBuilder().add("to", to.label())
                    .add("status", "queued").build().toString()).build();
            case BUSY -> new ApiProblem(409, "Conflict", "Another pushed message already waits for a message "
                    + "boundary towards the " + to.label() + "; try again once it went.").toResponse();
            case CLOSED -> new ApiProblem(409, "Conflict", "The session is not open (closing or closed).").toResponse();
            case OVER_BUDGET -> unavailable("The bytes in flight towards the " + to.label()
                    + " leave no room for this message (the direction's budget); not sent.");
            case NO_BOUNDARY -> unavailable("A fragmented message towards the " + to.label()
                    + " did not end in time; not sent.");
        };
    }

    private static Response unavailable(String detail) {
        Response problem = new ApiProblem(503, "Service Unavailable", detail).toResponse();
        return Response.fromResponse(problem).header(HttpHeaders.RETRY_AFTER, "1").build();
    }

    private RelaySession find(String id) {
        var local = sessions.get(id);
        if (local.isPresent()) {
            return local.get();
        }
        String owner = owner(storage.cluster(), id);
        if (owner != null) {
            throw new ApiProblem(409, "Conflict", "The session lives on gateway instance " + owner
                    + "; push through that instance's admin API.");
        }
        throw new ApiProblem(404, "Not Found", "No live session with this id.");
    }

    /** The instance of a cluster that published a session with this id; null when none (or no cluster). */
    static String owner(PgCluster cluster, String id) {
        if (cluster == null) {
            return null;
        }
        for (Map.Entry<String, JsonArray> instance : cluster.liveInstances().entrySet()) {
            if (!instance.getKey().equals(cluster.instanceId()) && instance.getValue().stream()
                    .anyMatch(s -> id.equals(s.asJsonObject().getString("id", null)))) {
                return instance.getKey();
            }
        }
        return null;
    }
}
