package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

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
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
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
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The live relayed sessions: list them (filtered, a page at a time; the total in {@code X-Total-Count}), read
 * one, close one with a code and reason of the administrator's choice. In a cluster the list also has the
 * sessions every other live instance published with its last heartbeat, and a session of another instance is
 * closed there (202: the close is on its way).
 */
@Path("/admin/sessions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {
    static final String TOTAL_COUNT = "X-Total-Count";
    private static final Close BY_ADMIN = new Close(CloseCodes.POLICY_VIOLATION, "closed by the gateway administrator");
    private static final Close BY_ADMIN_TO_BACKEND = new Close(CloseCodes.GOING_AWAY, "client session closed by the gateway");

    @Inject
    SessionRegistry sessions;
    @Inject
    GatewayStorage storage;

    @GET
    public Response list(@QueryParam("route") String routeId, @QueryParam("principal") String principal,
                         @QueryParam("apiKeyId") String apiKeyId, @QueryParam("clientAddress") String clientAddress,
                         @QueryParam("openedAfter") String openedAfter, @QueryParam("openedBefore") String openedBefore,
                         @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        SessionQuery query = SessionQuery.parse(routeId, principal, apiKeyId, clientAddress, openedAfter, openedBefore,
                limit, offset);
        List<RelaySession> matching = sessions.all().stream()
                .filter(query::matches)
                .sorted(Comparator.comparing(RelaySession::createdAt).thenComparing(RelaySession::id))
                .toList();
        JsonArrayBuilder array = JSON.createArrayBuilder();
        List<JsonObject> page = new ArrayList<>();
        matching.forEach(s -> page.add(json(s).build()));
        PgCluster cluster = storage.cluster();
        if (cluster != null) {
            cluster.liveInstances().forEach((instance, published) -> {
                if (!instance.equals(cluster.instanceId())) {
                    published.stream().map(JsonValue::asJsonObject).filter(query::matches).forEach(page::add);
                }
            });
            page.sort(Comparator.comparing((JsonObject o) -> o.getString("openedAt", ""))
                    .thenComparing(o -> o.getString("id", "")));
        }
        page.stream().skip(query.offset()).limit(query.limit()).forEach(array::add);
        return Response.ok(array.build().toString()).header(TOTAL_COUNT, page.size()).build();
    }

    @GET
    @Path("{id}")
    public String get(@PathParam("id") String id) {
        return json(find(id)).build().toString();
    }

    /**
     * Closes both sides. Without {@code code}: 1008 to the client, 1001 to the backend (the gateway's own
     * reasons); with it, both sides get that code and {@code reason}.
     */
    @DELETE
    @Path("{id}")
    public Response close(@PathParam("id") String id, @QueryParam("code") String code,
                          @QueryParam("reason") String reason) {
        Close requested = AdminClose.parse(code, reason);
        PgCluster cluster = storage.cluster();
        if (cluster != null && sessions.get(id).isEmpty() && livesElsewhere(cluster, id)) {
            Close toClient = requested == null ? BY_ADMIN : requested;
            cluster.closeSessionEverywhere(id, JSON.createObjectBuilder().add("code", toClient.code())
                    .add("reason", toClient.reason()).build());
            return Response.accepted().build();
        }
        RelaySession session = find(id);
        if (requested == null) {
            session.close("admin", BY_ADMIN, BY_ADMIN_TO_BACKEND);
        } else {
            session.close("admin", requested, requested);
        }
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
        URI backend = s.route().backend();
        return JSON.createObjectBuilder()
                .add("id", s.id())
                .add("route", s.route().id())
                .add("clientAddress", s.clientAddress())
                .add("subprotocol", s.subprotocol())
                .add("state", s.state().name())
                .add("openedAt", s.createdAt().toString())
                .add("lastActivityAt", s.lastActivity().toString())
                // host and port only: the backend URI's path and query may carry forwarded credentials
                .add("backend", JSON.createObjectBuilder().add("host", backend.getHost()).add("port", port(backend)))
                .add("auth", auth(s.credentials()))
                .add("fromClient", flow(s.flowFrom(Side.CLIENT)))
                .add("fromBackend", flow(s.flowFrom(Side.BACKEND)))
                .add("pushesWaiting", s.pushesWaiting());
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Who the session belongs to, as the handshake policies established it (ids, never secrets). */
    private static JsonObjectBuilder auth(Credentials c) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
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
        return JSON.createObjectBuilder().add("messages", f.messages()).add("frames", f.frames()).add("bytes", f.bytes())
                .add("inFlightBytes", f.inFlightBytes());
    }
}
