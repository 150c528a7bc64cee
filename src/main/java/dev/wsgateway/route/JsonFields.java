package dev.wsgateway.route;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads typed fields of a submitted JSON object, collecting one message per field that is there but of the
 * wrong type or range, so that every problem is reported at once. Field names in messages carry
 * {@code prefix} (for example {@code policies[1].}).
 */
public final class JsonFields {
    private final JsonObject json;
    private final String prefix;
    private final List<FieldError> errors;

    public JsonFields(JsonObject json, String prefix) {
        this(json, prefix, new ArrayList<>());
    }

    /** Reads {@code json} and adds its problems to {@code errors}, a list shared with the caller. */
    public JsonFields(JsonObject json, String prefix, List<FieldError> errors) {
        this.json = json;
        this.prefix = prefix;
        this.errors = errors;
    }

    public JsonObject json() {
        return json;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public void error(String field, String message) {
        errors.add(new FieldError(prefix + field, message));
    }

    /** Reports every field not in {@code known}. */
    public void rejectUnknown(Set<String> known) {
        for (String name : json.keySet()) {
            if (!known.contains(name)) {
                error(name, "unknown field");
            }
        }
    }

    private JsonValue present(String name) {
        JsonValue v = json.get(name);
        return v == null || v.getValueType() == JsonValue.ValueType.NULL ? null : v;
    }

    public boolean has(String name) {
        return present(name) != null;
    }

    public String string(String name, boolean required) {
        JsonValue v = present(name);
        if (v == null) {
            if (required) {
                error(name, "is required");
            }
            return null;
        }
        if (!(v instanceof JsonString s)) {
            error(name, "must be a string");
            return null;
        }
        if (required && s.getString().isBlank()) {
            error(name, "must not be blank");
            return null;
        }
        return s.getString();
    }

    public Integer integer(String name, int min, int max) {
        Long value = longValue(name, min, max);
        return value == null ? null : value.intValue();
    }

    public Long longValue(String name, long min, long max) {
        JsonValue v = present(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            error(name, "must be an integer");
            return null;
        }
        long value;
        try {
            value = n.bigIntegerValueExact().longValueExact();
        } catch (ArithmeticException e) {
            value = Long.MAX_VALUE;
        }
        if (value < min || value > max) {
            error(name, "must be between " + min + " and " + max);
            return null;
        }
        return value;
    }

    public Boolean bool(String name) {
        JsonValue v = present(name);
        if (v == null) {
            return null;
        }
        if (v.getValueType() == JsonValue.ValueType.TRUE || v.getValueType() == JsonValue.ValueType.FALSE) {
            return v.getValueType() == JsonValue.ValueType.TRUE;
        }
        error(name, "must be true or false");
        return null;
    }

    /** A list of distinct non-blank strings; null when absent or wrong. */
    public List<String> strings(String name) {
        JsonValue v = present(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonArray array)) {
            error(name, "must be an array of strings");
            return null;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonValue entry : array) {
            if (!(entry instanceof JsonString s) || s.getString().isBlank()) {
                error(name, "must be an array of non-blank strings");
                return null;
            }
            if (!seen.add(s.getString())) {
                error(name, "lists '" + s.getString() + "' twice");
                return null;
            }
        }
        return new ArrayList<>(seen);
    }

    /** A nested object; null when absent or wrong. */
    public JsonObject object(String name) {
        JsonValue v = present(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonObject o)) {
            error(name, "must be an object");
            return null;
        }
        return o;
    }
}
