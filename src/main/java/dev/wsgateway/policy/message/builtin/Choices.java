package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.route.JsonFields;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Settings that name one of an enum's constants, in lower case ({@code "action": "drop"}). */
final class Choices {
    private Choices() {
    }

    /** The constant {@code field} names, {@code fallback} when absent; reported when it names none. */
    static <E extends Enum<E>> E read(JsonFields settings, String field, E fallback) {
        String value = settings.string(field, false);
        if (value == null) {
            return fallback;
        }
        E[] constants = fallback.getDeclaringClass().getEnumConstants();
        for (E constant : constants) {
            if (label(constant).equals(value)) {
                return constant;
            }
        }
        settings.error(field, "must be " + Arrays.stream(constants).map(Choices::label)
                .collect(Collectors.joining(" or ")));
        return fallback;
    }

    static String label(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
