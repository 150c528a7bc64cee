package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.route.JsonFields;
import java.util.Locale;

/**
 * What a policy over JSON text does with a binary message, its {@code binary} setting: {@code reject} (the
 * default: the sender is closed with 1003, unsupported data) or {@code forward} (passed on unchecked).
 */
enum OnBinary {
    REJECT, FORWARD;

    static final String FIELD = "binary";

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    Verdict verdict(String type) {
        return this == FORWARD ? Verdict.FORWARD : Verdict.close(1003, type + ": binary messages are not accepted");
    }

    /** The {@code binary} setting, REJECT when absent; reported when wrong. */
    static OnBinary read(JsonFields settings) {
        String value = settings.string(FIELD, false);
        if (value == null) {
            return REJECT;
        }
        for (OnBinary rule : values()) {
            if (rule.label().equals(value)) {
                return rule;
            }
        }
        settings.error(FIELD, "must be reject or forward");
        return REJECT;
    }
}
