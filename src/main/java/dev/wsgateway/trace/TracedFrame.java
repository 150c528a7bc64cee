package dev.wsgateway.trace;

import java.time.Instant;

/**
 * One frame as a trace keeps it: which way it went, its opcode ({@code text}, {@code binary},
 * {@code continuation}, {@code ping}, {@code pong}, {@code close}), its fragment flags, its payload size in bytes,
 * when it passed, and a preview of its first bytes: redacted text for text frames and close reasons, base64
 * for binary, ping and pong payloads.
 *
 * @param byGateway   the gateway's own frame (a keepalive ping, a close it decided, an administrator's push)
 * @param closeCode   the close code of a close frame, else 0
 * @param truncated   whether the preview is shorter than the payload
 */
public record TracedFrame(String direction, String opcode, boolean first, boolean last, long size, Instant time,
                          String preview, boolean previewBase64, boolean truncated, boolean byGateway, int closeCode) {
}
