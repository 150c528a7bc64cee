package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.policy.handshake.PolicyCatalog;
import dev.wsgateway.policy.handshake.PolicyChain;
import dev.wsgateway.policy.message.MessageChains;
import dev.wsgateway.policy.message.MessagePolicyCatalog;
import dev.wsgateway.route.Route;
import dev.wsgateway.route.RouteDefinition;
import dev.wsgateway.route.RouteNotFoundException;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.route.StoredRoute;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Route administration. Every write is durable before it answers and applies to the next handshake.
 * Versions are ETags: send {@code If-Match} on PUT or DELETE to refuse to overwrite someone else's change.
 */
@Path("/admin/routes")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RoutesResource {
    private static final Logger LOG = Logger.getLogger(RoutesResource.class.getName());
    @Inject
    RouteStore routes;
    @Inject
    GatewaySettings settings;
    @Inject
    PolicyCatalog policies;
    @Inject
    MessagePolicyCatalog messagePolicies;
    @Context
    UriInfo uriInfo;

    @GET
    public String list() {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        routes.list().forEach(r -> array.add(r.toJson()));
        return array.build().toString();
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        StoredRoute route = routes.get(id).orElseThrow(() -> new RouteNotFoundException(id));
        return ok(Response.ok(), route);
    }

    /**
     * The route's effective policies: the handshake chain in the order it runs, and per flow the message policies
     * in order with their phase ({@code frame} or {@code message}), each with its settings.
     */
    @GET
    @Path("{id}/policies")
    public Response policies(@PathParam("id") String id) {
        Route route = routes.route(id).orElseThrow(() -> new RouteNotFoundException(id));
        PolicyChain chain;
        MessageChains messageChains;
        try {
            chain = policies.chainFor(route);
            messageChains = messagePolicies.chainsFor(route);
        } catch (RuntimeException e) {
            throw new ApiProblem(500, "Internal Server Error", "The route's policies cannot be built: " + e.getMessage());
        }
        return Response.ok(JSON.createObjectBuilder().add("route", id).add("version", route.version())
                .add("policies", chain.describe())
                .add("messagePolicies", messageChains.describe())
                .add("maxBufferedMessageBytes", route.maxBufferedMessageBytes())
                .build().toString()).tag(etag(route.version())).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length) {
        RouteDefinition definition = RouteDefinition.fromJson(read(body, length), policies::problems,
                messagePolicies::problems);
        StoredRoute created = routes.create(definition);
        return ok(warned(Response.created(uriInfo.getAbsolutePathBuilder().path(definition.id()).build()), definition),
                created);
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") String id, InputStream body,
                           @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length,
                           @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        JsonObject json = read(body, length);
        if (!json.containsKey("id")) {
            json = JSON.createObjectBuilder(json).add("id", id).build();
        }
        RouteDefinition definition = RouteDefinition.fromJson(json, policies::problems, messagePolicies::problems);
        if (!definition.id().equals(id)) {
            throw new ApiProblem(400, "Bad Request", "The body's id '" + definition.id()
                    + "' differs from the id in the URL; a route's id cannot be changed.");
        }
        StoredRoute updated = routes.update(id, definition, expectedVersion(id, ifMatch));
        return ok(warned(Response.ok(), definition), updated);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        routes.delete(id, expectedVersion(id, ifMatch));
        return Response.noContent().build();
    }

    private JsonObject read(InputStream body, Long length) {
        return JsonBodies.readObject(body, length == null ? -1 : length, settings.adminMaxBodyBytes());
    }

    /**
     * Adds a {@code Warning: 299} header (the convention of the Kubernetes API server, which kubectl prints) for
     * each thing the administrator should know about a route that was nevertheless saved, and logs it.
     */
    private static Response.ResponseBuilder warned(Response.ResponseBuilder builder, RouteDefinition definition) {
        if (definition.backendTls() == null) {
            return builder;
        }
        for (String warning : definition.backendTls().warnings(Instant.now())) {
            LOG.log(Level.WARNING, "route {0}: {1}", new Object[] {definition.id(), warning});
            builder.header("Warning", "299 - \"" + headerText(warning) + "\"");
        }
        return builder;
    }

    /** Printable ASCII without quotes or backslashes, so the text fits a quoted header value. */
    private static String headerText(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return b.toString();
    }

    private static Response ok(Response.ResponseBuilder builder, StoredRoute route) {
        return builder.tag(etag(route.version())).entity(route.toJson().toString()).build();
    }

    static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    /**
     * The version an If-Match names: null when absent or "*" (any existing version). A weak tag never matches
     * (RFC 9110 13.1.1 uses strong comparison), nor does a tag that is not a version of ours.
     */
    private Long expectedVersion(String id, String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        StoredRoute current = routes.get(id).orElseThrow(() -> new RouteNotFoundException(id));
        for (String tag : List.of(ifMatch.split(","))) {
            String t = tag.trim();
            if (t.startsWith("\"") && t.endsWith("\"") && t.length() >= 2
                    && t.substring(1, t.length() - 1).equals(Long.toString(current.version()))) {
                return current.version();
            }
        }
        // None matches: name a version that cannot be current, so the store answers 412.
        return -1L;
    }
}
