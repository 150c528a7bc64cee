package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.identity.Revocation;
import dev.wsgateway.identity.RevocationStore;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Revocations of a token id ({@code jti}), a subject, or an API key id. A revocation is durable before it
 * answers, closes every live session it matches (1008 {@code credential revoked}) before it answers, and
 * refuses later handshakes with 401. {@code expiresAt} lets the gateway forget it once it cannot matter
 * (typically the token's own expiry). Deleting a revocation lifts it.
 */
@Path("/admin/revocations")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RevocationsResource {
    private static final Set<String> FIELDS = Set.of("tokenId", "subject", "apiKeyId", "expiresAt", "note");
    @Inject
    RevocationStore revocations;
    @Inject
    GatewaySettings settings;
    @Context
    UriInfo uriInfo;

    @GET
    public String list() {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        revocations.list().forEach(r -> array.add(r.toJson()));
        return array.build().toString();
    }

    @GET
    @Path("{id}")
    public String get(@PathParam("id") String id) {
        return revocations.get(id).orElseThrow(RevocationsResource::notFound).toJson().build().toString();
    }

    /** {@code {"tokenId": "..."}} or {@code {"subject": "..."}} or {@code {"apiKeyId": "..."}}, optional expiresAt, note. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response revoke(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length) {
        JsonFields f = JsonBodies.readFields(body, length, settings.adminMaxBodyBytes());
        f.rejectUnknown(FIELDS);
        List<Revocation.Kind> named = new ArrayList<>();
        String value = null;
        for (Revocation.Kind kind : Revocation.Kind.values()) {
            String v = f.string(kind.field(), false);
            if (v != null) {
                named.add(kind);
                value = v;
                if (v.isBlank() || v.length() > 1024) {
                    f.error(kind.field(), "must be 1-1024 characters");
                }
            }
        }
        if (named.size() != 1) {
            f.error("tokenId", "name exactly one of tokenId, subject or apiKeyId");
        }
        Instant expiresAt = KeysResource.instant(f, "expiresAt");
        String note = f.string("note", false);
        if (note != null && note.length() > 500) {
            f.error("note", "must be at most 500 characters");
        }
        if (!f.errors().isEmpty()) {
            throw KeysResource.invalid(f.errors());
        }
        Revocation revocation;
        revocation = revocations.revoke(named.get(0), value, expiresAt, note);
        return Response.created(uriInfo.getAbsolutePathBuilder().path(revocation.id()).build())
                .entity(revocation.toJson().build().toString()).build();
    }

    @DELETE
    @Path("{id}")
    public Response lift(@PathParam("id") String id) {
        if (!revocations.lift(id)) {
            throw notFound();
        }
        return Response.noContent().build();
    }

    private static ApiProblem notFound() {
        return new ApiProblem(404, "Not Found", "No revocation with this id.");
    }
}
