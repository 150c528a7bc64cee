package dev.wsgateway.admin;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.trace.TraceSettings;
import dev.wsgateway.trace.Tracing;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import java.io.InputStream;

/**
 * Frame tracing on demand (issue 14), per route and per session: {@code POST} starts (or restarts) a trace for
 * a bounded time, {@code GET} reads the frames, {@code DELETE} stops it and discards its frames. Traces are of this
 * instance's sessions (see {@link Tracing}). What {@link RouteTraceResource} and {@link SessionTraceResource} share.
 */
final class TraceResources {
    private TraceResources() {
    }

    static TraceSettings settings(Tracing tracing, GatewaySettings settings, InputStream body, Long length) {
        JsonFields f = JsonBodies.readOptionalFields(body, length, settings.adminMaxBodyBytes());
        TraceSettings parsed = TraceSettings.parse(f, tracing.limits());
        if (!f.errors().isEmpty()) {
            throw KeysResource.invalid(f.errors());
        }
        return parsed;
    }

    static ApiProblem noTrace(String what) {
        return new ApiProblem(404, "Not Found", "No trace of this " + what + " (never started, stopped, or past its"
                + " retention).");
    }
}
