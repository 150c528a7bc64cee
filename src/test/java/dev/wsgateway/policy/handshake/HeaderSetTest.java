package dev.wsgateway.policy.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HeaderSetTest {
    private static Map<String, List<String>> request() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("gw.example.com"));
        headers.put("sec-websocket-key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
        headers.put("X-Forwarded-For", List.of("192.0.2.1"));
        headers.put("x-forwarded-for", List.of("192.0.2.2"));
        headers.put("Authorization", List.of("Bearer a", "Bearer b"));
        return headers;
    }

    @Test
    void findsEveryHeaderWhateverTheCaseOfItsNameWithAllItsValuesMerged() {
        HeaderSet headers = HeaderSet.of(request());
        assertEquals(List.of("gw.example.com"), headers.get("HOST"));
        assertEquals(List.of("dGhlIHNhbXBsZSBub25jZQ=="), headers.get("Sec-WebSocket-Key"));
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), headers.get("X-FORWARDED-FOR"));
        assertEquals(List.of("Bearer a", "Bearer b"), headers.getOrDefault("authorization", List.of()));
        assertFalse(headers.containsKey("origin"));
        assertNull(headers.get("Origin"));
        assertNull(headers.get(42));
        assertFalse(headers.containsKey(null));
    }

    @Test
    void isTheSameMapAsACaseInsensitiveTreeMapInTheSameOrder() {
        TreeMap<String, List<String>> tree = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request().forEach((name, values) -> tree.merge(name, values,
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        HeaderSet headers = HeaderSet.of(request());
        assertEquals(tree, headers);
        assertEquals(tree.hashCode(), headers.hashCode());
        assertEquals(List.copyOf(tree.keySet()), List.copyOf(headers.keySet()));
        assertEquals(4, headers.size());
    }

    @Test
    void isReadOnly() {
        HeaderSet headers = HeaderSet.of(request());
        assertThrows(UnsupportedOperationException.class, () -> headers.put("Origin", List.of("x")));
        assertThrows(UnsupportedOperationException.class, () -> headers.remove("Host"));
        assertThrows(UnsupportedOperationException.class, () -> headers.get("Authorization").add("Bearer c"));
        assertThrows(UnsupportedOperationException.class, () -> headers.entrySet().iterator().next().setValue(List.of()));
    }
}
