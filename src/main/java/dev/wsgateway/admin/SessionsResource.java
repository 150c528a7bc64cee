package dev.wsgateway.admin;

import dev.wsgateway.config.GatewayStorage;
import dev.wsgateway.policy.Credentials;
import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.relay.Direction;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.relay.Side;
import dev.wsgateway.store.pg.PgCluster;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.function.BiConsumer;

/**
 * The live relayed sessions: list them (optionally for one route), close one. In a cluster the list has the
 * sessions every live instance published with its last heartbeat, and a session of another instance is
 * closed there (202: the close is on its way).
 */
@Path("/admin/sessions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {
    private static final Close BY_ADMIN = new Close(CloseCodes.POLICY_VIOLATION, "closed by the gateway administrator");
    private static final Close BY_ADMIN_TO_BACKEND = new Close(CloseCodes.GOING_AWAY, "client session closed by the gateway");

    @Inject
    SessionRegistry sessions;
    @Inject
    GatewayStorage storage;

    @GET
    public String list(@QueryParam("route") String routeId) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        sessions.all().stream()
                .filter(s -> routeId == null || s.route().id().equals(routeId))
                .sorted(Comparator.comparing(RelaySession::createdAt))
                .forEach(s -> array.add(json(s)));
        PgCluster cluster = storage.cluster();
        if (cluster != null) {
            cluster.liveInstances().forEach((instance, published) -> {
                if (!instance.equals(cluster.instanceId())) {
                    published.stream().map(JsonValue::asJsonObject)
                            .filter(s -> routeId == null || routeId.equals(s.getString("route", null)))
                            .forEach(array::add);
                }
            });
        }
        return array.build().toString();
    }

    @GET
    @Path("{id}")
    public String get(@PathParam("id") String id) {
        return json(find(id)).build().toString();
    }

    @DELETE
    @Path("{id}")
    public Response close(@PathParam("id") String id) {
        PgCluster cluster = storage.cluster();
        if (cluster != null && sessions.get(id).isEmpty() && livesElsewhere(cluster, id)) {
            cluster.closeSessionEverywhere(id, Json.createObjectBuilder().add("code", BY_ADMIN.code())
                    .add("reason", BY_ADMIN.reason()).build());
            return Response.accepted().build();
        }
        find(id).close("admin", BY_ADMIN, BY_ADMIN_TO_BACKEND);
        return Response.noContent().build();
    }

    private static boolean livesElsewhere(PgCluster cluster, String id) {
        return cluster.liveInstances().values().stream().flatMap(JsonArray::stream)
                .anyMatch(s -> id.equals(s.asJsonObject().getString("id", null)));
    }

    private RelaySession find(String id) {
        return sessions.get(id).orElseThrow(() -> new ApiProblem(404, "Not Found", "No live session with this id."));
    }

    private static JsonObjectBuilder json(RelaySession s) {
        return Json.createObjectBuilder()
                .add("id", s.id())
                .add("route", s.route().id())
                .add("clientAddress", s.clientAddress())
                .add("subprotocol", s.subprotocol())
                .add("state", s.state().name())
                .add("openedAt", s.createdAt().toString())
                .add("auth", auth(s.credentials()))
                .add("fromClient", flow(s.flowFrom(Side.CLIENT)))
                .add("fromBackend", flow(s.flowFrom(Side.BACKEND)));
    }

    /** Who the session belongs to, as the handshake policies established it (ids, never secrets). */
    private static JsonObjectBuilder auth(Credentials c) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        BiConsumer<String, String> add = (name, value) -> {
            if (value != null) {
                b.add(name, value);
            }
        };
        add.accept("method", c.method());
        add.accept("principal", c.principal());
        add.accept("apiKeyId", c.apiKeyId());
        add.accept("subject", c.subject());
        add.accept("tokenId", c.tokenId());
        add.accept("expiresAt", c.expiresAt() == null ? null : c.expiresAt().toString());
        return b;
    }

    private static JsonObjectBuilder flow(Direction f) {
        return Json.createObjectBuilder().add("messages", f.messages()).add("frames", f.frames()).add("bytes", f.bytes())
                .add("inFlightBytes", f.inFlightBytes());
    }
}
