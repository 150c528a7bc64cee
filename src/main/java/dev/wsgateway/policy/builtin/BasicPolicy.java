package dev.wsgateway.policy.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.identity.BasicUserStore;
import dev.wsgateway.identity.BasicUserStore.BasicUser;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.Revocations;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP Basic against the gateway's users ({@code /api/admin/basic-users}). Missing or wrong credentials:
 * 401 with {@code WWW-Authenticate: Basic realm="...", charset="UTF-8"}; a user limited to other routes,
 * or not in the route's {@code users} list: 403.
 * <pre>{"type": "basic", "realm": "chat", "users": ["alice", "bob"]}</pre>
 */
public final class BasicPolicy implements HandshakePolicy {
    private final BasicUserStore users;
    private final Revocations revocations;
    private final String realm;
    private final List<String> allowedUsers;

    BasicPolicy(BasicUserStore users, Revocations revocations, String realm, List<String> allowedUsers) {
        this.users = users;
        this.revocations = revocations;
        this.realm = realm;
        this.allowedUsers = List.copyOf(allowedUsers);
    }

    @Override
    public String type() {
        return "basic";
    }

    @Override
    public int order() {
        return PolicyOrder.BASIC;
    }

    @Override
    public HandshakeDecision check(HandshakeContext context) {
        String authorization = context.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return unauthorized("Basic credentials are required.");
        }
        context.credentialHeader("Authorization");
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return unauthorized("The Basic credentials are malformed.");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return unauthorized("The Basic credentials are malformed.");
        }
        String name = decoded.substring(0, colon);
        Optional<BasicUser> user = users.verify(name, decoded.substring(colon + 1));
        if (user.isEmpty()) {
            return unauthorized("The user name or password is wrong.");
        }
        if (revocations.subjectRevoked(name)) {
            return unauthorized("The user's credentials have been revoked.");
        }
        if (!user.get().allowsRoute(context.route().id()) || !allowedUsers.isEmpty() && !allowedUsers.contains(name)) {
            return HandshakeDecision.reject(403, "This user is not allowed on this route.");
        }
        context.authenticated("basic", name, name);
        return HandshakeDecision.permit();
    }

    private HandshakeDecision unauthorized(String detail) {
        return HandshakeDecision.reject(401, detail)
                .withHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
    }

    @Override
    public JsonObject describe() {
        return JSON.createObjectBuilder().add("realm", realm).add("users", JSON.createArrayBuilder(allowedUsers)).build();
    }

    /** Default: {@code gateway.basic.realm} ({@code ws-gateway}). */
    @Dependent
    public static class Factory implements PolicyFactory {
        private static final Set<String> FIELDS = Set.of("realm", "users");
        private final GatewayDefaults defaults;
        private final BasicUserStore users;
        private final Revocations revocations;

        @Inject
        public Factory(GatewayDefaults defaults, BasicUserStore users, Revocations revocations) {
            this.defaults = defaults;
            this.users = users;
            this.revocations = revocations;
        }

        @Override
        public String type() {
            return "basic";
        }

        @Override
        public HandshakePolicy create(JsonFields settings) {
            settings.rejectUnknown(FIELDS);
            String realm = settings.string("realm", false);
            if (realm == null) {
                realm = defaults.string("gateway.basic.realm", "ws-gateway");
            }
            if (!realm.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                settings.error("realm", "must be printable ASCII without quotes or backslashes");
            }
            List<String> allowed = settings.strings("users");
            return new BasicPolicy(users, revocations, realm, allowed == null ? List.of() : allowed);
        }
    }
}
