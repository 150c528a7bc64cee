package dev.wsgateway.edge;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a handshake needs of the client's HTTP request, read once on the request thread, so the rest of the
 * handshake (which may finish on a backend transport thread) never touches the servlet request.
 *
 * @param path    the raw path after {@code /ws} ("/" when none), or null when it has dot segments
 * @param headers every header with all its values, names as the client sent them
 */
record ClientRequest(String method, String path, Map<String, List<String>> headers, String rawQuery,
                     String remoteAddress, boolean secure, Principal userPrincipal) {

    static ClientRequest of(HttpServletRequest request) {
        return new ClientRequest(request.getMethod(), requestPath(request), headers(request), request.getQueryString(),
                request.getRemoteAddr(), request.isSecure(), request.getUserPrincipal());
    }

    /** All values of a header, whatever the case of its name. */
    List<String> header(String name) {
        List<String> values = new ArrayList<>();
        headers.forEach((n, v) -> {
            if (n.equalsIgnoreCase(name)) {
                values.addAll(v);
            }
        });
        return values;
    }

    /** Null when this asks for a WebSocket version 13 upgrade (RFC 6455 4.2.1), else why it does not. */
    String notAnUpgrade() {
        if (!"GET".equals(method)) {
            return "A WebSocket handshake is a GET request.";
        }
        if (!tokens("Upgrade").contains("websocket") || !tokens("Connection").contains("upgrade")) {
            return "This is a WebSocket endpoint: send 'Upgrade: websocket' and 'Connection: Upgrade'.";
        }
        if (!header("Sec-WebSocket-Version").stream().map(String::trim).toList().equals(List.of("13"))) {
            return "Only WebSocket version 13 is supported.";
        }
        return null;
    }

    List<String> requestedSubprotocols() {
        List<String> requested = new ArrayList<>();
        for (String value : header("Sec-WebSocket-Protocol")) {
            for (String p : value.split(",")) {
                if (!p.isBlank()) {
                    requested.add(p.trim());
                }
            }
        }
        return requested;
    }

    private List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : header(name)) {
            for (String t : value.split(",")) {
                tokens.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    /**
     * The raw path after {@code /ws} ("/" when none), or null when it has dot segments, which would
     * otherwise walk out of the route's backend path.
     */
    static String requestPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String path = uri.substring(Math.min(uri.length(), request.getContextPath().length() + UpgradeFilter.PREFIX.length()));
        int semicolon = path.indexOf(';');
        if (semicolon >= 0) {
            path = path.substring(0, semicolon);
        }
        if (path.isEmpty()) {
            return "/";
        }
        for (String segment : path.split("/")) {
            String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (s.equals(".") || s.equals("..")) {
                return null;
            }
        }
        return path;
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).addAll(Collections.list(request.getHeaders(name)));
        }
        return headers;
    }
}
