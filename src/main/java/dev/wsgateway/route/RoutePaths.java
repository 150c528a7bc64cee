package dev.wsgateway.route;

import java.util.regex.Pattern;

/** Rules for route paths: prefixes of whole segments, matched segment by segment. */
public final class RoutePaths {
    public static final int MAX_LENGTH = 256;
    // Unreserved URI characters only: a route path is compared with the raw request path.
    private static final Pattern VALID = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+");

    private RoutePaths() {
    }

    /** Null when the path is valid, else why not. */
    public static String problem(String path) {
        if (path.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (!VALID.matcher(path).matches()) {
            return "must be '/' or '/'-separated segments of letters, digits, '.', '_', '~' or '-', without a trailing '/'";
        }
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return "must not contain '.' or '..' segments";
            }
        }
        return null;
    }

    /**
     * Whether {@code prefix} covers {@code requestPath} on a segment boundary:
     * {@code /echo} covers {@code /echo} and {@code /echo/x}, not {@code /echoes}.
     */
    public static boolean covers(String prefix, String requestPath) {
        if (prefix.equals("/")) {
            return true;
        }
        return requestPath.startsWith(prefix)
                && (requestPath.length() == prefix.length() || requestPath.charAt(prefix.length()) == '/');
    }

    /** What is left of {@code requestPath} after {@code prefix}: empty or starting with '/'. */
    public static String rest(String prefix, String requestPath) {
        return prefix.equals("/") ? (requestPath.equals("/") ? "" : requestPath) : requestPath.substring(prefix.length());
    }
}
