package dev.wsgateway.relay;

import java.nio.charset.StandardCharsets;

/** UTF-8 lengths and cuts of strings (text frames and close reasons are limited in bytes, not characters). */
public final class Utf8 {
    private Utf8() {
    }

    /** At most {@code maxBytes} bytes of UTF-8 of {@code s}, cut between characters. */
    public static String cut(String s, int maxBytes) {
        if (s.length() * 3L <= maxBytes) {
            return s; // no character takes more than 3 bytes per char of the string
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return s;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // step back off a continuation byte
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** The UTF-8 length of {@code s}, without encoding it. */
    public static long length(CharSequence s) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
