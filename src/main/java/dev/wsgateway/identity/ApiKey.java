package dev.wsgateway.identity;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;

/**
 * An API key as stored: never the secret, only its SHA-256 (keys are 256 random bits, so a plain hash is
 * enough: there is nothing to guess). {@code routes} empty: every route.
 */
public record ApiKey(String id, String name, List<String> routes, Instant createdAt, Instant expiresAt,
                     Instant revokedAt, String secretHash) {

    public ApiKey {
        routes = List.copyOf(routes);
    }

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public boolean allowsRoute(String routeId) {
        return routes.isEmpty() || routes.contains(routeId);
    }

    ApiKey revoked(Instant at) {
        return revokedAt != null ? this : new ApiKey(id, name, routes, createdAt, expiresAt, at, secretHash);
    }

    /** What the admin API shows: no hash. */
    public JsonObjectBuilder toPublicJson() {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("id", id).add("name", name)
                .add("routes", JSON.createArrayBuilder(routes)).add("createdAt", createdAt.toString());
        if (expiresAt != null) {
            b.add("expiresAt", expiresAt.toString());
        }
        if (revokedAt != null) {
            b.add("revokedAt", revokedAt.toString());
        }
        return b.add("status", revokedAt != null ? "revoked"
                : expiresAt != null && !Instant.now().isBefore(expiresAt) ? "expired" : "active");
    }

    JsonObject toStoredJson() {
        return toPublicJson().remove("status").add("secretHash", secretHash).build();
    }

    static ApiKey fromStoredJson(JsonObject o) {
        return new ApiKey(o.getString("id"), o.getString("name"),
                o.getJsonArray("routes").getValuesAs(jakarta.json.JsonString::getString),
                Instant.parse(o.getString("createdAt")),
                o.containsKey("expiresAt") ? Instant.parse(o.getString("expiresAt")) : null,
                o.containsKey("revokedAt") ? Instant.parse(o.getString("revokedAt")) : null,
                o.getString("secretHash"));
    }
}
