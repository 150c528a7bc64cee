package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.policy.message.builtin.DenyPatternPolicy.Action;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code {"type": "denyPattern", "direction": "both", "patterns": ["(?i)drop\\s+table", "<script"],
 * "action": "close", "timeoutMillis": 50}}: see {@link DenyPatternPolicy}. {@code patterns} is required, 1 to
 * {@value #MAX_PATTERNS} java.util.regex expressions; {@code action} {@code close} (default) or {@code drop};
 * {@code timeoutMillis} 1 to {@value #MAX_TIMEOUT_MILLIS}, default {@value #DEFAULT_TIMEOUT_MILLIS}.
 */
@ApplicationScoped
public class DenyPatternPolicyFactory implements MessagePolicyFactory {
    static final int MAX_PATTERNS = 100;
    static final long DEFAULT_TIMEOUT_MILLIS = 50;
    static final long MAX_TIMEOUT_MILLIS = 1000;
    private static final Set<String> FIELDS = Set.of("patterns", "action", "timeoutMillis");

    @Override
    public String type() {
        return "denyPattern";
    }

    @Override
    public MessagePolicy create(Set<Flow> flows, JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        Action action = Choices.read(settings, "action", Action.CLOSE);
        Long timeout = settings.longValue("timeoutMillis", 1, MAX_TIMEOUT_MILLIS);
        List<Pattern> patterns = new ArrayList<>();
        if (!settings.has("patterns")) {
            settings.error("patterns", "is required: an array of regular expressions");
        } else if (!(settings.json().get("patterns") instanceof JsonArray array)) {
            settings.error("patterns", "must be an array of regular expressions");
        } else if (array.isEmpty() || array.size() > MAX_PATTERNS) {
            settings.error("patterns", "must list 1 to " + MAX_PATTERNS + " regular expressions");
        } else {
            for (int i = 0; i < array.size(); i++) {
                String field = "patterns[" + i + "]";
                if (!(array.get(i) instanceof JsonString s) || s.getString().isEmpty()) {
                    settings.error(field, "must be a non-empty string");
                    continue;
                }
                try {
                    patterns.add(Pattern.compile(s.getString()));
                } catch (PatternSyntaxException e) {
                    settings.error(field, "is not a valid regular expression: " + e.getDescription()
                            + " near index " + e.getIndex());
                }
            }
        }
        return new DenyPatternPolicy(flows, patterns, action, timeout == null ? DEFAULT_TIMEOUT_MILLIS : timeout);
    }
}
