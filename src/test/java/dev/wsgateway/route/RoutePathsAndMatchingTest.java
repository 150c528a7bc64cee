package dev.wsgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutePathsAndMatchingTest {

    private static Route route(String id, String path, String backend, List<String> subprotocols) {
        return new Route(id, path, URI.create(backend), subprotocols, 1000, 60, 1024, 30, true, List.of(), 1);
    }

    private static Route route(String id, String path) {
        return route(id, path, "ws://127.0.0.1:9000/" + id, List.of());
    }

    // ---- RoutePaths -------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            "/echo, /echo, true",
            "/echo, /echo/, true",
            "/echo, /echo/x, true",
            "/echo, /echo/x/y, true",
            "/echo, /echoes, false",
            "/echo, /echo.v2, false",
            "/echo, /ech, false",
            "/echo, /, false",
            "/echo, /other/echo, false",
            "/a/b, /a/b/c, true",
            "/a/b, /a/bc, false",
            "/a/b, /a, false",
            "/, /, true",
            "/, /anything, true",
            "/, /any/thing/deep, true",
    })
    void coversOnlyOnSegmentBoundaries(String prefix, String requestPath, boolean covered) {
        assertEquals(covered, RoutePaths.covers(prefix, requestPath));
    }

    @ParameterizedTest
    @CsvSource({
            "/echo, /echo, ''",
            "/echo, /echo/x, /x",
            "/echo, /echo/, /",
            "/, /, ''",
            "/, /x/y, /x/y",
    })
    void restIsWhatFollowsThePrefix(String prefix, String requestPath, String rest) {
        assertEquals(rest, RoutePaths.rest(prefix, requestPath));
    }

    @Test
    void validPathsHaveNoProblem() {
        assertNull(RoutePaths.problem("/"));
        assertNull(RoutePaths.problem("/a/b.c/~d"));
    }

    // ---- RouteTable -------------------------------------------------------------------------------

    @Test
    void longestCoveringPrefixWins() {
        Route orders = route("orders", "/orders");
        Route ordersV1 = route("orders-v1", "/orders/v1");
        Route root = route("root", "/");
        // Deliberately shortest first, so the order of the input cannot be what decides.
        RouteTable table = new RouteTable(List.of(root, orders, ordersV1));

        assertEquals(Optional.of(ordersV1), table.match("/orders/v1"));
        assertEquals(Optional.of(ordersV1), table.match("/orders/v1/stream"));
        assertEquals(Optional.of(orders), table.match("/orders"));
        assertEquals(Optional.of(orders), table.match("/orders/v2"));
        assertEquals(Optional.of(orders), table.match("/orders/v10"), "v10 is not under the v1 segment");
        assertEquals(Optional.of(root), table.match("/ordersx"));
        assertEquals(Optional.of(root), table.match("/"));
        assertEquals(3, table.size());
    }

    @Test
    void longestPrefixWinsWhateverTheInputOrder() {
        Route orders = route("orders", "/orders");
        Route ordersV1 = route("orders-v1", "/orders/v1");

        assertEquals(Optional.of(ordersV1), new RouteTable(List.of(orders, ordersV1)).match("/orders/v1/x"));
        assertEquals(Optional.of(ordersV1), new RouteTable(List.of(ordersV1, orders)).match("/orders/v1/x"));
    }

    @Test
    void noCoveringRouteGivesEmpty() {
        RouteTable table = new RouteTable(List.of(route("echo", "/echo"), route("orders", "/orders")));

        assertTrue(table.match("/echoes").isEmpty());
        assertTrue(table.match("/").isEmpty());
        assertTrue(table.match("/other").isEmpty());
        assertTrue(new RouteTable(List.of()).match("/echo").isEmpty());
    }

    @Test
    void matchesDisabledRoutesToo() {
        Route disabled = new Route("off", "/off", URI.create("ws://h/"), List.of(), 1, 1, 1, 0, false, List.of(), 1);
        assertEquals(Optional.of(disabled), new RouteTable(List.of(disabled)).match("/off/x"));
    }

    // ---- Route.backendUriFor ----------------------------------------------------------------------

    @ParameterizedTest(name = "{0} + rest ''{1}'' + query ''{2}'' -> {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // backend without a query
            "ws://b:9000/ws          | /x/y  | NULL        | ws://b:9000/ws/x/y",
            "ws://b:9000/ws          | ''    | NULL        | ws://b:9000/ws",
            "ws://b:9000/ws          | ''    | ''          | ws://b:9000/ws",
            "ws://b:9000/ws          | /x    | a=1&b=2     | ws://b:9000/ws/x?a=1&b=2",
            "ws://b:9000/ws          | ''    | a=1         | ws://b:9000/ws?a=1",
            // backend path with a trailing slash: no double slash
            "ws://b:9000/ws/         | /x    | NULL        | ws://b:9000/ws/x",
            "ws://b:9000/ws/         | ''    | NULL        | ws://b:9000/ws/",
            "ws://b:9000/            | /x    | q=1         | ws://b:9000/x?q=1",
            // backend with its own query: the request's goes after it
            "ws://b:9000/ws?key=k    | /x    | a=1         | ws://b:9000/ws/x?key=k&a=1",
            "ws://b:9000/ws?key=k    | ''    | NULL        | ws://b:9000/ws?key=k",
            "ws://b:9000/ws?key=k    | /x    | ''          | ws://b:9000/ws/x?key=k",
            "ws://b:9000/ws/?key=k   | /x    | NULL        | ws://b:9000/ws/x?key=k",
            "ws://b:9000/ws?         | /x    | a=1         | ws://b:9000/ws/x?a=1",
            // raw percent-encoding passes through as it came
            "ws://b:9000/ws          | /a%20b/%2F | q=%26x%3D1 | ws://b:9000/ws/a%20b/%2F?q=%26x%3D1",
            "ws://b:9000/p%2Fq?k=%20 | /r%25 | s=%C3%A9    | ws://b:9000/p%2Fq/r%25?k=%20&s=%C3%A9",
            "wss://b/                | /x    | NULL        | wss://b/x",
    })
    void appendsTheRestAndTheQueryToTheBackendUri(String backend, String rest, String query, String expected) {
        Route r = route("r", "/r", backend, List.of());

        URI uri = r.backendUriFor(rest, query);

        assertEquals(expected, uri.toString());
    }

    @Test
    void backendUriKeepsEncodedCharactersRawRatherThanDecodingThem() {
        Route r = route("r", "/r", "ws://b/ws", List.of());

        URI uri = r.backendUriFor("/a%2Fb", "x=%2F");

        assertEquals("/ws/a%2Fb", uri.getRawPath());
        assertEquals("x=%2F", uri.getRawQuery());
    }

    // ---- Route.offerable --------------------------------------------------------------------------

    @Test
    void offersOnlyAllowedSubprotocolsInTheClientsOrder() {
        Route r = route("r", "/r", "ws://b/", List.of("mqtt", "chat.v2", "stomp"));

        assertEquals(List.of("stomp", "mqtt"), r.offerable(List.of("stomp", "graphql-ws", "mqtt")));
        assertEquals(List.of("chat.v2", "mqtt"), r.offerable(List.of("chat.v2", "mqtt")));
        assertEquals(List.of(), r.offerable(List.of("graphql-ws")));
        assertEquals(List.of(), r.offerable(List.of()));
    }

    @Test
    void anEmptyAllowListLetsEverySubprotocolThroughInOrder() {
        Route r = route("r", "/r", "ws://b/", List.of());

        assertEquals(List.of("b", "a", "c"), r.offerable(List.of("b", "a", "c")));
        assertEquals(List.of(), r.offerable(List.of()));
    }

    @Test
    void subprotocolMatchingIsExact() {
        Route r = route("r", "/r", "ws://b/", List.of("chat"));

        assertEquals(List.of(), r.offerable(List.of("Chat", "chat2", "cha")));
    }
}
