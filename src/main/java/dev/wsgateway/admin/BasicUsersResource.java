package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.identity.BasicUserStore;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The users of the {@code basic} policy, changed without a redeploy. Passwords are stored as PBKDF2 hashes
 * and never shown. Removing a user refuses their later handshakes; to also close their live sessions,
 * revoke their subject ({@code POST /api/admin/revocations {"subject": "<name>"}}).
 */
@Path("/admin/basic-users")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BasicUsersResource {
    private static final Set<String> FIELDS = Set.of("password", "routes");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    static final int MIN_PASSWORD = 8;
    @Inject
    BasicUserStore users;
    @Inject
    GatewaySettings settings;
    @Context
    UriInfo uriInfo;

    @GET
    public String list() {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        users.list().forEach(u -> array.add(u.toPublicJson()));
        return array.build().toString();
    }

    @GET
    @Path("{name}")
    public String get(@PathParam("name") String name) {
        return users.get(name).orElseThrow(BasicUsersResource::notFound).toPublicJson().toString();
    }

    /** {@code {"password": "...", "routes": ["chat"]}}: creates (201) or replaces (200) the user. */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("name") String name, InputStream body,
                        @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length) {
        JsonFields f = JsonBodies.readFields(body, length, settings.adminMaxBodyBytes());
        f.rejectUnknown(FIELDS);
        if (!NAME.matcher(name).matches()) {
            f.error("name", "must be 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        String password = f.string("password", true);
        if (password != null && password.length() < MIN_PASSWORD) {
            f.error("password", "must be at least " + MIN_PASSWORD + " characters");
        }
        List<String> routes = f.strings("routes");
        if (!f.errors().isEmpty()) {
            throw KeysResource.invalid(f.errors());
        }
        boolean created;
        created = users.put(name, password.toCharArray(), routes == null ? List.of() : routes);
        String entity = users.get(name).orElseThrow().toPublicJson().toString();
        return (created ? Response.created(uriInfo.getAbsolutePath()) : Response.ok()).entity(entity).build();
    }

    @DELETE
    @Path("{name}")
    public Response remove(@PathParam("name") String name) {
        if (!users.remove(name)) {
            throw notFound();
        }
        return Response.noContent().build();
    }

    private static ApiProblem notFound() {
        return new ApiProblem(404, "Not Found", "No Basic user with this name.");
    }
}
