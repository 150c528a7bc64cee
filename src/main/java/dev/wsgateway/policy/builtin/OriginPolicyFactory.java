package dev.wsgateway.policy.builtin;

import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;

/**
 * {@code {"type": "origin", "allow": ["https://app.example.com", "https://*.example.com"], "allowMissing": false}}.
 * Defaults: {@code gateway.origin.allow} and {@code gateway.origin.allow-missing} (true).
 */
@Dependent
public class OriginPolicyFactory implements PolicyFactory {
    private static final Set<String> FIELDS = Set.of("allow", "allowMissing");
    private final GatewayDefaults defaults;

    @Inject
    public OriginPolicyFactory(GatewayDefaults defaults) {
        this.defaults = defaults;
    }

    @Override
    public String type() {
        return "origin";
    }

    @Override
    public HandshakePolicy create(JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        List<String> allow = settings.strings("allow");
        if (allow == null) {
            allow = defaults.list("gateway.origin.allow");
        }
        for (String entry : allow) {
            String problem = OriginPolicy.problem(entry);
            if (problem != null) {
                settings.error("allow", problem);
            }
        }
        Boolean allowMissing = settings.bool("allowMissing");
        return new OriginPolicy(allow, allowMissing != null ? allowMissing
                : defaults.bool("gateway.origin.allow-missing", true));
    }
}
