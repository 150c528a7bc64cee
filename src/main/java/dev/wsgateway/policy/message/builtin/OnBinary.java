package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.route.JsonFields;

/**
 * What a policy over JSON text does with a binary message, its {@code binary} setting: {@code reject} (the
 * default: the sender is closed with 1003, unsupported data) or {@code forward} (passed on unchecked).
 */
enum OnBinary {
    REJECT, FORWARD;

    static final String FIELD = "binary";

    String label() {
        return Choices.label(this);
    }

    Verdict verdict(String type) {
        return this == FORWARD ? Verdict.FORWARD : Verdict.close(1003, type + ": binary messages are not accepted");
    }

    /** The {@code binary} setting, REJECT when absent; reported when wrong. */
    static OnBinary read(JsonFields settings) {
        return Choices.read(settings, FIELD, REJECT);
    }
}
