package dev.wsgateway.admin;

import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.route.JsonFields;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What {@code POST /api/admin/drain} asks for: {@code windowSeconds} (0-3600), {@code code} (1012 service restart,
 * or 1001 going away) and {@code reason} (at most 123 bytes); each optional, the configured defaults otherwise.
 */
record DrainRequest(int windowSeconds, Close close) {
    static final int MAX_WINDOW_SECONDS = 3600;
    static final int SERVICE_RESTART = 1012;
    private static final Set<String> FIELDS = Set.of("windowSeconds", "code", "reason");

    /** Every problem at once, as 400 with the fields; {@code f} null for an empty body (all defaults). */
    static DrainRequest parse(JsonFields f, int defaultWindowSeconds, Close defaultClose) {
        if (f == null) {
            return new DrainRequest(defaultWindowSeconds, defaultClose);
        }
        f.rejectUnknown(FIELDS);
        Integer window = f.integer("windowSeconds", 0, MAX_WINDOW_SECONDS);
        Integer code = f.integer("code", 1000, 4999);
        if (code != null && code != SERVICE_RESTART && code != CloseCodes.GOING_AWAY) {
            f.error("code", "must be 1012 (service restart) or 1001 (going away)");
        }
        String reason = f.string("reason", false);
        if (reason != null && reason.getBytes(StandardCharsets.UTF_8).length > CloseCodes.MAX_REASON_BYTES) {
            f.error("reason", "must be at most " + CloseCodes.MAX_REASON_BYTES + " bytes of UTF-8");
        }
        if (!f.errors().isEmpty()) {
            throw new ApiProblem(400, "Bad Request", "Invalid drain request.", f.errors());
        }
        return new DrainRequest(window != null ? window : defaultWindowSeconds,
                new Close(code != null ? code : defaultClose.code(), reason != null ? reason
                        : code == null || code == defaultClose.code() ? defaultClose.reason() : defaultReason(code)));
    }

    private static String defaultReason(int code) {
        return code == SERVICE_RESTART ? "gateway restarting" : "gateway going away";
    }
}
