package dev.wsgateway.route;

import jakarta.json.JsonObject;

/** A route definition with the version that changes on every update (the ETag of the admin API). */
public record StoredRoute(RouteDefinition definition, long version) {

    public JsonObject toJson() {
        return definition.toJson().add("version", version).build();
    }

    public static StoredRoute fromJson(JsonObject json) {
        return new StoredRoute(RouteDefinition.fromJson(json), json.getJsonNumber("version").longValueExact());
    }
}
