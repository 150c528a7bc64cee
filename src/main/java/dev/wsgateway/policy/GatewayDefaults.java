package dev.wsgateway.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Gateway-wide settings as the policies read them (MicroProfile Config in the server, a map in unit tests).
 * A blank value counts as absent.
 */
@FunctionalInterface
public interface GatewayDefaults {
    Optional<String> raw(String key);

    default Optional<String> get(String key) {
        return raw(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    default String string(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    default int integer(String key, int fallback) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, not '" + value.get() + "'");
        }
    }

    default boolean bool(String key, boolean fallback) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        if (!value.get().equalsIgnoreCase("true") && !value.get().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not '" + value.get() + "'");
        }
        return Boolean.parseBoolean(value.get());
    }

    /** A comma-separated list, entries trimmed, blanks dropped. */
    default List<String> list(String key) {
        return get(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }
}
