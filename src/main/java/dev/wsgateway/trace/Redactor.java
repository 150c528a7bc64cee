package dev.wsgateway.trace;

import dev.wsgateway.policy.DeadlineText;
import dev.wsgateway.relay.Utf8;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Makes the preview of a text payload: the values of the named JSON fields become {@code "***"}, then every
 * match of the patterns becomes {@code ***}, on the frame's text (its first {@link #SCAN_CHARS} characters) and
 * only then is the result cut to the preview's size, so a cut never shows part of a redacted value.
 *
 * <p>The JSON scan is tolerant, as a frame may be a fragment of a message or cut at the scan bound: a field's
 * value runs to the end of the text when it is not closed there. A field is only recognised when its name and
 * colon are in the same frame. Field names match without regard to case. Patterns run on bounded text and with
 * a time bound ({@link #PATTERN_MILLIS}); past it the preview is withheld rather than shown unredacted.
 */
public final class Redactor {
    /** Characters of a frame scanned; the preview is cut from them. */
    static final int SCAN_CHARS = 16 * 1024;
    /** How long all patterns may take on one frame. */
    static final long PATTERN_MILLIS = 20;
    static final String MASK = "***";
    static final String WITHHELD = "[preview withheld: redaction took too long]";

    private final Set<String> fields;
    private final List<Pattern> patterns;

    public Redactor(Set<String> fields, List<Pattern> patterns) {
        this.fields = fields.stream().map(f -> f.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.patterns = List.copyOf(patterns);
    }

    public Set<String> fields() {
        return fields;
    }

    public List<Pattern> patterns() {
        return patterns;
    }

    /** The redacted text, cut to at most {@code maxBytes} bytes of UTF-8 (never inside a character). */
    public Preview preview(String text, int maxBytes) {
        String scanned = text.length() > SCAN_CHARS ? text.substring(0, SCAN_CHARS) : text;
        String redacted = redact(scanned);
        if (redacted == null) {
            return new Preview(WITHHELD, true);
        }
        String cut = Utf8.cut(redacted, maxBytes);
        return new Preview(cut, cut.length() < redacted.length() || scanned.length() < text.length());
    }

    /** A preview and whether it is shorter than what it shows. */
    public record Preview(String text, boolean truncated) {
    }

    /** The text with fields and patterns redacted; null when the patterns ran out of time. */
    String redact(String text) {
        String out = fields.isEmpty() ? text : redactFields(text);
        if (patterns.isEmpty()) {
            return out;
        }
        DeadlineText bounded = new DeadlineText(out, PATTERN_MILLIS * 1_000_000);
        try {
            for (Pattern p : patterns) {
                out = p.matcher(bounded).replaceAll(MASK);
                bounded = bounded.next(out);
            }
        } catch (DeadlineText.TimedOut e) {
            return null;
        }
        return out;
    }

    private String redactFields(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != '"') {
                out.append(c);
                i++;
                continue;
            }
            int end = stringEnd(s, i);
            String name = s.substring(i + 1, Math.max(i + 1, Math.min(end, n) - 1));
            out.append(s, i, end);
            i = end;
            int colon = skipSpace(s, i);
            if (colon < n && s.charAt(colon) == ':' && fields.contains(name.toLowerCase(Locale.ROOT))) {
                int value = skipSpace(s, colon + 1);
                out.append(s, i, value);
                i = valueEnd(s, value);
                out.append('"').append(MASK).append('"');
            }
        }
        return out.toString();
    }

    /** The index after the string starting at {@code start} (a quote), or the text's end when it is not closed. */
    private static int stringEnd(String s, int start) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The index after the JSON value at {@code i}: a string, a nested object or array, or a literal. */
    private static int valueEnd(String s, int i) {
        if (i >= s.length()) {
            return i;
        }
        char c = s.charAt(i);
        if (c == '"') {
            return stringEnd(s, i);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < s.length()) {
                char d = s.charAt(i);
                if (d == '"') {
                    i = stringEnd(s, i);
                    continue;
                }
                if (d == '{' || d == '[') {
                    depth++;
                } else if ((d == '}' || d == ']') && --depth == 0) {
                    return i + 1;
                }
                i++;
            }
            return i;
        }
        while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        return i;
    }
}
