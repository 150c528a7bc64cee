package dev.wsgateway.trace;

import dev.wsgateway.route.JsonFields;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a trace request asks for, validated against the gateway's bounds: how long ({@code seconds}), how many
 * frames per session ({@code frames}), how many payload bytes per frame ({@code previewBytes}), and what to
 * redact on top of the gateway's configured fields and patterns ({@code redactFields}, {@code redactPatterns}).
 */
public record TraceSettings(int seconds, int frames, int previewBytes, Redactor redactor) {
    private static final Set<String> FIELDS = Set.of("seconds", "frames", "previewBytes", "redactFields",
            "redactPatterns");
    private static final int MAX_REDACTIONS = 50;

    /** The gateway's bounds and defaults ({@code gateway.trace.*}). */
    public record Limits(int defaultSeconds, int maxSeconds, int defaultFrames, int maxFrames, int previewBytes,
                         int maxPreviewBytes, int maxSessions, int retainSeconds, List<String> redactFields,
                         List<String> redactPatterns) {
    }

    /** Reads a request body (every field optional); problems go to {@code f}'s errors. */
    public static TraceSettings parse(JsonFields f, Limits limits) {
        f.rejectUnknown(FIELDS);
        Integer seconds = f.integer("seconds", 1, limits.maxSeconds());
        Integer frames = f.integer("frames", 1, limits.maxFrames());
        Integer preview = f.integer("previewBytes", 0, limits.maxPreviewBytes());
        Set<String> fields = new LinkedHashSet<>(limits.redactFields());
        fields.addAll(strings(f, "redactFields"));
        List<Pattern> patterns = new ArrayList<>();
        for (String p : limits.redactPatterns()) {
            patterns.add(Pattern.compile(p)); // checked at startup, see Tracing
        }
        List<String> asked = strings(f, "redactPatterns");
        for (int i = 0; i < asked.size(); i++) {
            try {
                patterns.add(Pattern.compile(asked.get(i)));
            } catch (PatternSyntaxException e) {
                f.error("redactPatterns[" + i + "]", "not a valid regular expression: " + e.getDescription());
            }
        }
        return new TraceSettings(seconds == null ? limits.defaultSeconds() : seconds,
                frames == null ? limits.defaultFrames() : frames,
                preview == null ? limits.previewBytes() : preview,
                new Redactor(fields, patterns));
    }

    private static List<String> strings(JsonFields f, String name) {
        JsonValue v = f.json().get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (v.getValueType() != JsonValue.ValueType.ARRAY) {
            f.error(name, "must be an array of strings");
            return List.of();
        }
        JsonArray array = v.asJsonArray();
        if (array.size() > MAX_REDACTIONS) {
            f.error(name, "at most " + MAX_REDACTIONS + " entries");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonValue item = array.get(i);
            if (item instanceof JsonString s && !s.getString().isEmpty() && s.getString().length() <= 200) {
                out.add(s.getString());
            } else {
                f.error(name + "[" + i + "]", "must be a non-empty string of at most 200 characters");
            }
        }
        return out;
    }
}
