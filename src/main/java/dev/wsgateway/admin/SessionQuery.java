package dev.wsgateway.admin;

import dev.wsgateway.route.FieldError;
import dev.wsgateway.relay.RelaySession;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters and the page of {@code GET /api/admin/sessions}. Every filter is optional and they combine
 * (AND); text filters match exactly; times are ISO-8601 instants ({@code 2026-12-02T10:00:00Z}).
 */
record SessionQuery(String route, String principal, String apiKeyId, String clientAddress, Instant openedAfter,
                    Instant openedBefore, int limit, int offset) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    static SessionQuery parse(String route, String principal, String apiKeyId, String clientAddress,
                              String openedAfter, String openedBefore, String limit, String offset) {
        List<FieldError> errors = new ArrayList<>();
        Instant after = instant("openedAfter", openedAfter, errors);
        Instant before = instant("openedBefore", openedBefore, errors);
        int l = integer("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT, errors);
        int o = integer("offset", offset, 0, 0, Integer.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "Bad Request", "Invalid query parameters.", errors);
        }
        return new SessionQuery(route, principal, apiKeyId, clientAddress, after, before, l, o);
    }

    boolean matches(RelaySession s) {
        return (route == null || route.equals(s.route().id()))
                && (principal == null || principal.equals(s.credentials().principal()))
                && (apiKeyId == null || apiKeyId.equals(s.credentials().apiKeyId()))
                && (clientAddress == null || clientAddress.equals(s.clientAddress()))
                && (openedAfter == null || s.createdAt().isAfter(openedAfter))
                && (openedBefore == null || s.createdAt().isBefore(openedBefore));
    }

    /** The same filters over a session another instance published (see {@code ClusterSessions}). */
    boolean matches(JsonObject published) {
        JsonObject auth = published.getJsonObject("auth");
        Instant opened = Instant.parse(published.getString("openedAt"));
        return (route == null || route.equals(published.getString("route", null)))
                && (principal == null || auth != null && principal.equals(auth.getString("principal", null)))
                && (apiKeyId == null || auth != null && apiKeyId.equals(auth.getString("apiKeyId", null)))
                && (clientAddress == null || clientAddress.equals(published.getString("clientAddress", null)))
                && (openedAfter == null || opened.isAfter(openedAfter))
                && (openedBefore == null || opened.isBefore(openedBefore));
    }

    private static Instant instant(String name, String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2026-12-02T10:00:00Z"));
            return null;
        }
    }

    private static int integer(String name, String value, int absent, int min, int max, List<FieldError> errors) {
        if (value == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(name, "must be a whole number from " + min + " to " + max));
        return absent;
    }
}
