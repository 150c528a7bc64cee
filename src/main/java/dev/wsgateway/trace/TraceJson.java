package dev.wsgateway.trace;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.regex.Pattern;

/** Traces as the admin API shows them. */
public final class TraceJson {
    private TraceJson() {
    }

    public static JsonObjectBuilder route(RouteTrace trace, boolean withFrames) {
        JsonArrayBuilder sessions = JSON.createArrayBuilder();
        trace.sessions().forEach(s -> sessions.add(withFrames ? session(s) : summary(s)));
        return settings(JSON.createObjectBuilder().add("route", trace.routeId()), trace.settings())
                .add("active", trace.active(System.nanoTime()))
                .add("until", trace.until().toString())
                .add("sessionsNotTraced", trace.skipped())
                .add("sessions", sessions);
    }

    /** A session's trace with its frames, oldest first. */
    public static JsonObjectBuilder session(SessionTrace trace) {
        JsonArrayBuilder frames = JSON.createArrayBuilder();
        trace.ring().frames().forEach(f -> frames.add(frame(f)));
        return summary(trace).add("frames", frames);
    }

    /** A session trace's settings and counts, without frames (the answer to starting one). */
    public static JsonObjectBuilder summary(SessionTrace trace) {
        return settings(JSON.createObjectBuilder()
                .add("session", trace.session().id())
                .add("route", trace.session().route().id()), trace.settings())
                .add("live", !trace.session().state().finished())
                .add("active", trace.active())
                .add("until", trace.until().toString())
                .add("framesRecorded", trace.ring().recorded())
                .add("framesDropped", trace.ring().dropped());
    }

    private static JsonObjectBuilder settings(JsonObjectBuilder b, TraceSettings s) {
        JsonArrayBuilder fields = JSON.createArrayBuilder();
        s.redactor().fields().forEach(fields::add);
        JsonArrayBuilder patterns = JSON.createArrayBuilder();
        s.redactor().patterns().stream().map(Pattern::pattern).forEach(patterns::add);
        return b.add("seconds", s.seconds()).add("frames", s.frames()).add("previewBytes", s.previewBytes())
                .add("redactFields", fields).add("redactPatterns", patterns);
    }

    static JsonObjectBuilder frame(TracedFrame f) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("direction", f.direction())
                .add("opcode", f.opcode())
                .add("first", f.first())
                .add("last", f.last())
                .add("size", f.size())
                .add("time", f.time().toString())
                .add(f.previewBase64() ? "previewBase64" : "preview", f.preview())
                .add("truncated", f.truncated());
        if (f.byGateway()) {
            b.add("byGateway", true);
        }
        if (f.closeCode() != 0) {
            b.add("closeCode", f.closeCode());
        }
        return b;
    }
}
