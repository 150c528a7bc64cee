package dev.wsgateway.policy.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.Cidr;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * IP allow and deny lists of CIDR ranges, IPv4 and IPv6, matched against the client's address (through
 * trusted proxies, see {@code gateway.trusted-proxies}). Deny wins; a non-empty allow list admits only its
 * ranges. Refused: 403.
 * <pre>{"type": "ip", "allow": ["10.0.0.0/8", "2001:db8::/32"], "deny": ["10.6.6.0/24"]}</pre>
 */
public final class IpPolicy implements HandshakePolicy {
    private final List<Cidr> allow;
    private final List<Cidr> deny;

    IpPolicy(List<Cidr> allow, List<Cidr> deny) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
    }

    @Override
    public String type() {
        return "ip";
    }

    @Override
    public int order() {
        return PolicyOrder.IP;
    }

    @Override
    public HandshakeDecision check(HandshakeContext context) {
        String client = context.clientAddress();
        for (Cidr c : deny) {
            if (c.contains(client)) {
                return HandshakeDecision.reject(403, "Connections from this address are not allowed.");
            }
        }
        if (allow.isEmpty()) {
            return HandshakeDecision.permit();
        }
        for (Cidr c : allow) {
            if (c.contains(client)) {
                return HandshakeDecision.permit();
            }
        }
        return HandshakeDecision.reject(403, "Connections from this address are not allowed.");
    }

    @Override
    public JsonObject describe() {
        return JSON.createObjectBuilder()
                .add("allow", JSON.createArrayBuilder(allow.stream().map(Cidr::toString).toList()))
                .add("deny", JSON.createArrayBuilder(deny.stream().map(Cidr::toString).toList())).build();
    }

    /** Defaults: {@code gateway.ip.allow}, {@code gateway.ip.deny} (comma-separated ranges). */
    @Dependent
    public static class Factory implements PolicyFactory {
        private static final Set<String> FIELDS = Set.of("allow", "deny");
        private final GatewayDefaults defaults;

        @Inject
        public Factory(GatewayDefaults defaults) {
            this.defaults = defaults;
        }

        @Override
        public String type() {
            return "ip";
        }

        @Override
        public HandshakePolicy create(JsonFields settings) {
            settings.rejectUnknown(FIELDS);
            List<Cidr> allow = ranges(settings, "allow");
            List<Cidr> deny = ranges(settings, "deny");
            if (allow.isEmpty() && deny.isEmpty()) {
                settings.error("allow", "an ip policy needs at least one allow or deny range");
            }
            return new IpPolicy(allow, deny);
        }

        private List<Cidr> ranges(JsonFields settings, String field) {
            List<String> texts = settings.strings(field);
            if (texts == null) {
                texts = defaults.list("gateway.ip." + field);
            }
            List<Cidr> ranges = new ArrayList<>();
            for (String t : texts) {
                try {
                    ranges.add(Cidr.parse(t));
                } catch (IllegalArgumentException e) {
                    settings.error(field, e.getMessage());
                }
            }
            return ranges;
        }
    }
}
