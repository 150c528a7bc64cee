package dev.wsgateway.admin;

import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.route.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The close an administrator asks for in {@code DELETE /api/admin/sessions/{id}?code=&reason=}. */
final class AdminClose {
    private AdminClose() {
    }

    /**
     * The close to send both sides, or null when no code was given (the gateway's default then). A code must be
     * one an endpoint may receive in a close frame (1000-1003, 1007-1014, 3000-4999: never 1005, 1006, 1015 or
     * a reserved range); the reason at most 123 bytes of UTF-8.
     */
    static Close parse(String code, String reason) {
        List<FieldError> errors = new ArrayList<>();
        Integer parsed = null;
        if (code != null) {
            try {
                parsed = Integer.valueOf(code.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
            if (parsed == null || !CloseCodes.sendable(parsed)) {
                errors.add(new FieldError("code",
                        "must be a close code a client may receive: 1000-1003, 1007-1014 or 3000-4999"));
            }
        } else if (reason != null) {
            errors.add(new FieldError("reason", "needs a code"));
        }
        if (reason != null && reason.getBytes(StandardCharsets.UTF_8).length > CloseCodes.MAX_REASON_BYTES) {
            errors.add(new FieldError("reason", "must be at most " + CloseCodes.MAX_REASON_BYTES + " bytes of UTF-8"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "Bad Request", "Invalid close code or reason.", errors);
        }
        return parsed == null ? null : new Close(parsed, reason == null ? "" : reason);
    }
}
