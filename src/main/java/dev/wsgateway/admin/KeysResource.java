package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.identity.ApiKey;
import dev.wsgateway.identity.ApiKeyStore;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * API keys for the {@code apiKey} policy. The key itself is in the creation's response only; the gateway
 * keeps its hash. Deleting a key revokes it: later handshakes with it get 401, and live sessions using it are
 * closed (1008 {@code credential revoked}). Revoked keys stay listed.
 */
@Path("/admin/keys")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {
    private static final Set<String> FIELDS = Set.of("name", "routes", "expiresAt");
    @Inject
    ApiKeyStore keys;
    @Inject
    GatewaySettings settings;
    @Context
    UriInfo uriInfo;

    @GET
    public String list() {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        keys.list().forEach(k -> array.add(k.toPublicJson()));
        return array.build().toString();
    }

    @GET
    @Path("{id}")
    public String get(@PathParam("id") String id) {
        return find(id).toPublicJson().build().toString();
    }

    /** {@code {"name": "mobile app", "routes": ["chat"], "expiresAt": "2027-01-01T00:00:00Z"}}; name required. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length) {
        JsonFields f = JsonBodies.readFields(body, length, settings.adminMaxBodyBytes());
        f.rejectUnknown(FIELDS);
        String name = f.string("name", true);
        if (name != null && (name.length() > 200 || !name.chars().allMatch(c -> c >= 0x20 && c != 0x7f))) {
            f.error("name", "must be at most 200 characters without control characters");
        }
        List<String> routes = f.strings("routes");
        Instant expiresAt = instant(f, "expiresAt");
        if (!f.errors().isEmpty()) {
            throw invalid(f.errors());
        }
        ApiKeyStore.Created created;
        created = keys.create(name, routes == null ? List.of() : routes, expiresAt);
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.created(uriInfo.getAbsolutePathBuilder().path(created.key().id()).build())
                .cacheControl(noStore)
                .entity(created.key().toPublicJson().add("key", created.secret()).build().toString()).build();
    }

    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id) {
        keys.revoke(id).orElseThrow(KeysResource::notFound);
        return Response.noContent().build();
    }

    private ApiKey find(String id) {
        return keys.get(id).orElseThrow(KeysResource::notFound);
    }

    private static ApiProblem notFound() {
        return new ApiProblem(404, "Not Found", "No API key with this id.");
    }

    static Instant instant(JsonFields f, String field) {
        String text = f.string(field, false);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            f.error(field, "must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
            return null;
        }
    }

    static ApiProblem invalid(List<FieldError> errors) {
        return new ApiProblem(400, "Bad Request", "The request body is invalid.", errors);
    }
}
