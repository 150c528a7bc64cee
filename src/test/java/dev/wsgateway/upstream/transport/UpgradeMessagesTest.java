package dev.wsgateway.upstream.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.glassfish.tyrus.core.RequestContext;
import org.glassfish.tyrus.core.TyrusUpgradeResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpgradeMessagesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ws://h:1/a/b?x=1                 | GET /a/b?x=1 HTTP/1.1",
            "ws://h:1/a%20b?y=%20z            | GET /a%20b?y=%20z HTTP/1.1",
            "ws://h:1/p?a=%26b&c=%3D          | GET /p?a=%26b&c=%3D HTTP/1.1",
            "wss://h/a%2Fb                    | GET /a%2Fb HTTP/1.1",
            "ws://h:1                         | GET / HTTP/1.1",
    })
    void theRequestLineCarriesThePathAndQueryExactlyAsWritten(String uri, String requestLine) {
        RequestContext request = RequestContext.Builder.create().requestURI(URI.create(uri)).build();
        String head = StandardCharsets.UTF_8.decode(UpgradeMessages.request(request)).toString();
        assertEquals(requestLine, head.substring(0, head.indexOf("\r\n")));
    }

    @Test
    void aHeaderValueWithALineBreakIsNeverSent() {
        RequestContext request = RequestContext.Builder.create().requestURI(URI.create("ws://h/x")).build();
        request.getHeaders().put("X-Evil", List.of("a\r\nHost: elsewhere"));
        assertThrows(IllegalArgumentException.class, () -> UpgradeMessages.request(request));
    }

    @Test
    void aResponseHeadIsParsedAndWhatFollowsItIsLeftInTheBuffer() throws Exception {
        UpgradeMessages.ResponseReader reader = new UpgradeMessages.ResponseReader();
        assertNull(reader.offer(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nX-A: 1\r\n")));
        ByteBuffer rest = ascii("x-a: 2\r\n\r\n\u0081\u0002hi");
        TyrusUpgradeResponse response = reader.offer(rest);
        assertEquals(101, response.getStatus());
        assertEquals("Switching Protocols", response.getReasonPhrase());
        assertEquals(List.of("1", "2"), response.getHeaders().get("x-A"));
        assertEquals(4, rest.remaining());
    }

    @Test
    void aHeadThatNeverEndsIsRefused() {
        UpgradeMessages.ResponseReader reader = new UpgradeMessages.ResponseReader();
        ByteBuffer junk = ascii("HTTP/1.1 101 OK\r\n" + "X: y\r\n".repeat(4000));
        assertThrows(UpgradeMessages.MalformedResponseException.class, () -> reader.offer(junk));
    }

    @Test
    void somethingOtherThanHttpIsRefused() {
        UpgradeMessages.ResponseReader reader = new UpgradeMessages.ResponseReader();
        assertThrows(UpgradeMessages.MalformedResponseException.class, () -> reader.offer(ascii("SSH-2.0-x\r\n\r\n")));
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
