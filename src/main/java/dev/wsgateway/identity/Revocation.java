package dev.wsgateway.identity;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.Credentials;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.Locale;

/**
 * One revocation: every credential with this token id, subject or API key id is refused, and live sessions
 * using one are closed. {@code expiresAt} (optional) is when the entry may be forgotten, typically the
 * revoked token's own expiry.
 */
public record Revocation(String id, Kind kind, String value, Instant createdAt, Instant expiresAt, String note) {

    public enum Kind {
        TOKEN_ID("tokenId"), SUBJECT("subject"), API_KEY_ID("apiKeyId");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }

        public static Kind ofField(String field) {
            for (Kind k : values()) {
                if (k.field.equals(field)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("no revocation kind " + field.toLowerCase(Locale.ROOT));
        }
    }

    public boolean matches(Credentials c) {
        return switch (kind) {
            case TOKEN_ID -> value.equals(c.tokenId());
            case SUBJECT -> value.equals(c.subject());
            case API_KEY_ID -> value.equals(c.apiKeyId());
        };
    }

    public JsonObjectBuilder toJson() {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("id", id).add(kind.field(), value)
                .add("createdAt", createdAt.toString());
        if (expiresAt != null) {
            b.add("expiresAt", expiresAt.toString());
        }
        if (note != null) {
            b.add("note", note);
        }
        return b;
    }

    static Revocation fromJson(JsonObject o) {
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (o.containsKey(k.field())) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("a revocation names a tokenId, subject or apiKeyId");
        }
        return new Revocation(o.getString("id"), kind, o.getString(kind.field()), Instant.parse(o.getString("createdAt")),
                o.containsKey("expiresAt") ? Instant.parse(o.getString("expiresAt")) : null, o.getString("note", null));
    }
}
