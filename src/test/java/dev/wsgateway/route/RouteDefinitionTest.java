package dev.wsgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteDefinitionTest {

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static JsonObjectBuilder minimal() {
        return Json.createObjectBuilder()
                .add("id", "echo")
                .add("path", "/echo")
                .add("backend", "ws://127.0.0.1:9000/ws");
    }

    /** Parses and expects a rejection; returns the errors. */
    private static List<FieldError> rejected(JsonObject json) {
        InvalidRouteException e = assertThrows(InvalidRouteException.class, () -> RouteDefinition.fromJson(json));
        assertFalse(e.errors().isEmpty(), "a rejection carries at least one field error");
        return e.errors();
    }

    private static FieldError onlyErrorFor(JsonObject json, String field) {
        List<FieldError> errors = rejected(json);
        assertEquals(1, errors.size(), () -> "expected exactly one error, got " + errors);
        assertEquals(field, errors.get(0).field(), () -> "errors: " + errors);
        return errors.get(0);
    }

    private static Set<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).collect(Collectors.toSet());
    }

    // ---- accepted input ---------------------------------------------------------------------------

    @Test
    void acceptsAMinimalRouteAndAppliesDefaults() {
        RouteDefinition d = RouteDefinition.fromJson(minimal().build());

        assertEquals("echo", d.id());
        assertEquals("/echo", d.path());
        assertEquals(URI.create("ws://127.0.0.1:9000/ws"), d.backend());
        assertTrue(d.enabled(), "a route is enabled unless it says otherwise");
        assertEquals(List.of(), d.subprotocols());
        assertNull(d.connectTimeoutMillis());
        assertNull(d.idleTimeoutSeconds());
        assertNull(d.maxMessageBytes());
        assertNull(d.description());
    }

    @Test
    void acceptsEveryOptionalFieldWithinRange() {
        RouteDefinition d = RouteDefinition.fromJson(minimal()
                .add("backend", "wss://backend.example:8443/a/b?x=1")
                .add("subprotocols", Json.createArrayBuilder().add("chat.v2").add("mqtt"))
                .add("connectTimeoutMillis", RouteDefinition.MAX_CONNECT_TIMEOUT_MILLIS)
                .add("idleTimeoutSeconds", 0)
                .add("maxMessageBytes", 1)
                .add("enabled", false)
                .add("description", "the echo service")
                .build());

        assertEquals(List.of("chat.v2", "mqtt"), d.subprotocols());
        assertEquals(RouteDefinition.MAX_CONNECT_TIMEOUT_MILLIS, d.connectTimeoutMillis());
        assertEquals(0, d.idleTimeoutSeconds());
        assertEquals(1, d.maxMessageBytes());
        assertFalse(d.enabled());
        assertEquals("the echo service", d.description());
    }

    @Test
    void acceptsTheOutputOnlyVersionFieldSoAGetBodyCanBePutBack() {
        RouteDefinition d = RouteDefinition.fromJson(minimal().add("version", 7).build());
        assertEquals("echo", d.id());
    }

    @Test
    void treatsExplicitNullsAsUnset() {
        RouteDefinition d = RouteDefinition.fromJson(minimal()
                .addNull("subprotocols")
                .addNull("connectTimeoutMillis")
                .addNull("enabled")
                .addNull("description")
                .build());
        assertEquals(List.of(), d.subprotocols());
        assertNull(d.connectTimeoutMillis());
        assertTrue(d.enabled());
        assertNull(d.description());
    }

    @Test
    void acceptsTheRootPath() {
        assertEquals("/", RouteDefinition.fromJson(minimal().add("path", "/").build()).path());
    }

    // ---- required fields --------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"id", "path", "backend"})
    void rejectsARouteWithoutARequiredField(String field) {
        JsonObject json = Json.createObjectBuilder(minimal().build()).remove(field).build();
        FieldError error = onlyErrorFor(json, field);
        assertEquals("is required", error.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "path", "backend"})
    void rejectsABlankRequiredField(String field) {
        FieldError error = onlyErrorFor(minimal().add(field, "  ").build(), field);
        assertEquals("must not be blank", error.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "path", "backend", "description"})
    void rejectsANonStringWhereAStringBelongs(String field) {
        FieldError error = onlyErrorFor(minimal().add(field, 42).build(), field);
        assertEquals("must be a string", error.message());
    }

    // ---- id ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"has space", "-leading-dash", ".hidden", "_under", "slash/inside", "ümlaut"})
    void rejectsAnIdWithCharactersOutsideTheRules(String id) {
        onlyErrorFor(minimal().add("id", id).build(), "id");
    }

    @Test
    void rejectsAnIdLongerThan64Characters() {
        onlyErrorFor(minimal().add("id", "a".repeat(65)).build(), "id");
        assertEquals(64, RouteDefinition.fromJson(minimal().add("id", "a".repeat(64)).build()).id().length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Orders_v1.2-beta", "0"})
    void acceptsIdsWithinTheRules(String id) {
        assertEquals(id, RouteDefinition.fromJson(minimal().add("id", id).build()).id());
    }

    // ---- path -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"echo", "/echo/", "//", "/a//b", "/a/../b", "/..", "/a/./b", "/with space",
            "/percent%20", "/query?x"})
    void rejectsAPathThatIsNotAnAbsoluteRunOfCleanSegments(String path) {
        onlyErrorFor(minimal().add("path", path).build(), "path");
    }

    @Test
    void explainsWhyADotDotSegmentIsRejected() {
        FieldError error = onlyErrorFor(minimal().add("path", "/a/../b").build(), "path");
        assertEquals("must not contain '.' or '..' segments", error.message());
    }

    @Test
    void rejectsAPathLongerThanTheLimit() {
        String path = "/" + "a".repeat(RoutePaths.MAX_LENGTH);
        FieldError error = onlyErrorFor(minimal().add("path", path).build(), "path");
        assertEquals("must be at most " + RoutePaths.MAX_LENGTH + " characters", error.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a", "/a.b/c~d/e_f-g", "/..a", "/a..", "/..."})
    void acceptsPathsWhoseSegmentsMerelyContainDots(String path) {
        assertEquals(path, RouteDefinition.fromJson(minimal().add("path", path).build()).path());
    }

    // ---- backend ----------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:9000/ws       | must be a ws:// or wss:// URI",
            "https://backend.example/       | must be a ws:// or wss:// URI",
            "/relative/only                 | must be a ws:// or wss:// URI",
            "ws://user:secret@backend.example/ | must not carry credentials",
            "ws://user@backend.example/     | must not carry credentials",
            "ws://backend.example/ws#frag   | must not have a fragment",
            "ws:///nohost                   | must name a host",
            "ws://bad host/                 | is not a valid URI",
    })
    void rejectsABackendThatIsNotAPlainWebSocketUri(String backend, String message) {
        FieldError error = onlyErrorFor(minimal().add("backend", backend).build(), "backend");
        assertEquals(message, error.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://h/", "WSS://h:443/x?y=1", "ws://[::1]:8080/"})
    void acceptsWsAndWssBackendsInAnyCase(String backend) {
        assertEquals(URI.create(backend), RouteDefinition.fromJson(minimal().add("backend", backend).build()).backend());
    }

    // ---- integers ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"connectTimeoutMillis", "idleTimeoutSeconds", "maxMessageBytes", "maxInFlightBytes"})
    void rejectsANonIntegerNumberSetting(String field) {
        assertEquals("must be an integer", onlyErrorFor(minimal().add(field, "100").build(), field).message());
        assertEquals("must be an integer", onlyErrorFor(minimal().add(field, 1.5).build(), field).message());
        assertEquals("must be an integer", onlyErrorFor(minimal().add(field, true).build(), field).message());
    }

    @ParameterizedTest
    @CsvSource({
            "connectTimeoutMillis, 0",
            "connectTimeoutMillis, 120001",
            "connectTimeoutMillis, -5",
            "idleTimeoutSeconds, -1",
            "idleTimeoutSeconds, 604801",
            "maxMessageBytes, 0",
            "maxMessageBytes, 1073741825",
            "maxMessageBytes, 99999999999999999999999",
            "idleTimeoutSeconds, -99999999999999999999999",
            "maxInFlightBytes, 1023",
            "maxInFlightBytes, 67108865",
            "maxSessionSeconds, -1",
            "maxSessionSeconds, 2592001",
    })
    void rejectsANumberSettingOutsideItsRange(String field, String value) {
        JsonObject json = json(minimal().build().toString().replaceFirst("}$", ",\"" + field + "\":" + value + "}"));
        FieldError error = onlyErrorFor(json, field);
        assertTrue(error.message().startsWith("must be between "), error::message);
    }

    @Test
    void namesTheRangeInTheMessage() {
        FieldError error = onlyErrorFor(minimal().add("connectTimeoutMillis", 0).build(), "connectTimeoutMillis");
        assertEquals("must be between 1 and 120000", error.message());
    }

    @ParameterizedTest
    @CsvSource({
            "connectTimeoutMillis, 1",
            "connectTimeoutMillis, 120000",
            "idleTimeoutSeconds, 0",
            "idleTimeoutSeconds, 604800",
            "maxMessageBytes, 1",
            "maxMessageBytes, 1073741824",
            "maxInFlightBytes, 1024",
            "maxInFlightBytes, 67108864",
    })
    void acceptsTheEndsOfEachRange(String field, int value) {
        RouteDefinition d = RouteDefinition.fromJson(minimal().add(field, value).build());
        Integer actual = switch (field) {
            case "connectTimeoutMillis" -> d.connectTimeoutMillis();
            case "idleTimeoutSeconds" -> d.idleTimeoutSeconds();
            case "maxInFlightBytes" -> d.maxInFlightBytes();
            default -> d.maxMessageBytes();
        };
        assertEquals(value, actual);
    }

    @Test
    void theInFlightBudgetIsTheGatewayDefaultUnlessTheRouteSetsOneAndIsShownAsWritten() {
        RouteDefinition unset = RouteDefinition.fromJson(minimal().build());
        RouteDefinition set = RouteDefinition.fromJson(minimal().add("maxInFlightBytes", 4096).build());

        assertEquals(DEFAULTS.maxInFlightBytes(), unset.compile(1, DEFAULTS).maxInFlightBytes());
        assertEquals(4096, set.compile(1, DEFAULTS).maxInFlightBytes());
        assertFalse(unset.toJson().build().containsKey("maxInFlightBytes"));
        assertEquals(4096, set.toJson().build().getInt("maxInFlightBytes"));
    }

    @Test
    void theMaximumSessionAgeIsTheGatewayDefaultUnlessTheRouteSetsOneAndIsShownAsWritten() {
        RouteDefaults defaults = new RouteDefaults(5_000, 300, 65_536, 65_536, 30, List.of(), 1 << 20, 7200);
        RouteDefinition unset = RouteDefinition.fromJson(minimal().build());
        RouteDefinition unlimited = RouteDefinition.fromJson(minimal().add("maxSessionSeconds", 0).build());
        RouteDefinition set = RouteDefinition.fromJson(minimal().add("maxSessionSeconds", 2).build());

        assertEquals(7200, unset.compile(1, defaults).maxSessionSeconds());
        assertEquals(0, unlimited.compile(1, defaults).maxSessionSeconds(), "0 on the route: no maximum");
        assertEquals(2, set.compile(1, defaults).maxSessionSeconds());
        assertEquals(0, unset.compile(1, DEFAULTS).maxSessionSeconds(), "no gateway default: no maximum");
        assertFalse(unset.toJson().build().containsKey("maxSessionSeconds"));
        assertEquals(2, set.toJson().build().getInt("maxSessionSeconds"));
        assertEquals(set, RouteDefinition.fromJson(set.toJson().build()), "the JSON reads back as written");
    }

    @Test
    void acceptsTheEndsOfTheMaximumSessionAge() {
        assertEquals(2_592_000, RouteDefinition.fromJson(minimal().add("maxSessionSeconds", 2_592_000).build())
                .maxSessionSeconds());
        assertEquals("must be an integer",
                onlyErrorFor(minimal().add("maxSessionSeconds", "60").build(), "maxSessionSeconds").message());
    }

    // ---- subprotocols -----------------------------------------------------------------------------

    @Test
    void rejectsSubprotocolsThatAreNotAnArray() {
        FieldError error = onlyErrorFor(minimal().add("subprotocols", "chat").build(), "subprotocols");
        assertEquals("must be an array of strings", error.message());
    }

    @Test
    void rejectsASubprotocolListedTwice() {
        FieldError error = onlyErrorFor(minimal()
                .add("subprotocols", Json.createArrayBuilder().add("chat").add("mqtt").add("chat"))
                .build(), "subprotocols");
        assertEquals("lists 'chat' twice", error.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"two words", "", "semi;colon", "comma,separated", "quote\"d", "ümlaut"})
    void rejectsASubprotocolThatIsNotAToken(String protocol) {
        onlyErrorFor(minimal().add("subprotocols", Json.createArrayBuilder().add("ok").add(protocol)).build(),
                "subprotocols");
    }

    @Test
    void rejectsASubprotocolEntryThatIsNotAString() {
        onlyErrorFor(minimal().add("subprotocols", Json.createArrayBuilder().add(1)).build(), "subprotocols");
    }

    // ---- other fields -----------------------------------------------------------------------------

    @Test
    void rejectsAnUnknownField() {
        FieldError error = onlyErrorFor(minimal().add("backnd", "ws://typo/").build(), "backnd");
        assertEquals("unknown field", error.message());
    }

    @Test
    void rejectsEnabledThatIsNotABoolean() {
        FieldError error = onlyErrorFor(minimal().add("enabled", "yes").build(), "enabled");
        assertEquals("must be true or false", error.message());
    }

    @Test
    void rejectsADescriptionOverTheLimitButAcceptsOneAtIt() {
        String atLimit = "d".repeat(RouteDefinition.MAX_DESCRIPTION);
        assertEquals(atLimit, RouteDefinition.fromJson(minimal().add("description", atLimit).build()).description());
        onlyErrorFor(minimal().add("description", atLimit + "d").build(), "description");
    }

    @Test
    void reportsEveryBadFieldAtOnce() {
        JsonObject json = Json.createObjectBuilder()
                .add("id", "bad id")
                .add("path", "no-slash")
                .add("backend", "http://x/")
                .add("connectTimeoutMillis", "soon")
                .add("maxMessageBytes", 0)
                .add("subprotocols", "chat")
                .add("extra", 1)
                .build();

        List<FieldError> errors = rejected(json);

        assertEquals(Set.of("id", "path", "backend", "connectTimeoutMillis", "maxMessageBytes", "subprotocols",
                "extra"), fields(errors));
        assertEquals(7, errors.size(), () -> "one error per bad field: " + errors);
    }

    @Test
    void reportsAllMissingRequiredFieldsOfAnEmptyObject() {
        assertEquals(Set.of("id", "path", "backend"), fields(rejected(Json.createObjectBuilder().build())));
    }

    // ---- compile ----------------------------------------------------------------------------------

    private static final RouteDefaults DEFAULTS = new RouteDefaults(5_000, 300, 65_536, 30, List.of("default.proto"));

    @Test
    void compileTakesTheGatewayDefaultsForUnsetSettings() {
        RouteDefinition d = RouteDefinition.fromJson(minimal().add("enabled", false).build());

        Route r = d.compile(3, DEFAULTS);

        assertEquals(new Route("echo", "/echo", URI.create("ws://127.0.0.1:9000/ws"), List.of("default.proto"),
                5_000, 300, 65_536, 30, false, List.of(), 3), r);
    }

    @Test
    void compileKeepsTheRoutesOwnSettings() {
        RouteDefinition d = RouteDefinition.fromJson(minimal()
                .add("subprotocols", Json.createArrayBuilder().add("own"))
                .add("connectTimeoutMillis", 10)
                .add("idleTimeoutSeconds", 0)
                .add("maxMessageBytes", 20)
                .build());

        Route r = d.compile(9, DEFAULTS);

        assertEquals(List.of("own"), r.subprotocols());
        assertEquals(10, r.connectTimeoutMillis());
        assertEquals(0, r.idleTimeoutSeconds(), "0 is a setting (no idle timeout), not 'unset'");
        assertEquals(20, r.maxMessageBytes());
        assertTrue(r.enabled());
        assertEquals(9, r.version());
    }

    @Test
    void compileMixesOwnAndDefaultSettingsFieldByField() {
        RouteDefinition d = RouteDefinition.fromJson(minimal().add("idleTimeoutSeconds", 42).build());

        Route r = d.compile(1, DEFAULTS);

        assertEquals(5_000, r.connectTimeoutMillis());
        assertEquals(42, r.idleTimeoutSeconds());
        assertEquals(65_536, r.maxMessageBytes());
    }

    // ---- toJson -----------------------------------------------------------------------------------

    @Test
    void toJsonRoundTripsAFullDefinitionThroughFromJson() {
        RouteDefinition d = RouteDefinition.fromJson(minimal()
                .add("backend", "wss://backend.example:8443/a%20b?x=1&y=%2F")
                .add("subprotocols", Json.createArrayBuilder().add("b").add("a"))
                .add("connectTimeoutMillis", 1234)
                .add("idleTimeoutSeconds", 0)
                .add("maxMessageBytes", 99)
                .add("enabled", false)
                .add("description", "héllo \"quoted\"")
                .build());

        JsonObject written = d.toJson().build();
        RouteDefinition back = RouteDefinition.fromJson(json(written.toString()));

        assertEquals(d, back);
        assertEquals("wss://backend.example:8443/a%20b?x=1&y=%2F", written.getString("backend"));
    }

    @Test
    void messagePoliciesAndTheAssemblyLimitRoundTripAndCompileWithTheGatewayDefault() {
        JsonObject entry = json("{\"type\":\"messageSize\",\"direction\":\"both\",\"maxBytes\":10}");
        RouteDefinition d = RouteDefinition.fromJson(minimal()
                .add("messagePolicies", Json.createArrayBuilder().add(entry))
                .add("maxBufferedMessageBytes", 4096).build());

        JsonObject written = d.toJson().build();
        assertEquals(d, RouteDefinition.fromJson(json(written.toString())));
        assertEquals(List.of(entry), d.compile(1, DEFAULTS).messagePolicies());
        assertEquals(4096, d.compile(1, DEFAULTS).maxBufferedMessageBytes());

        RouteDefinition unset = RouteDefinition.fromJson(minimal().build());
        assertFalse(unset.toJson().build().containsKey("messagePolicies"));
        assertFalse(unset.toJson().build().containsKey("maxBufferedMessageBytes"));
        assertEquals(Route.DEFAULT_MAX_BUFFERED_MESSAGE_BYTES, unset.compile(1, DEFAULTS).maxBufferedMessageBytes());
    }

    @Test
    void rejectsMalformedMessagePoliciesAndAnAssemblyLimitOutOfRange() {
        assertEquals("must be an object with a string \"type\"", onlyErrorFor(minimal()
                .add("messagePolicies", Json.createArrayBuilder().add(1)).build(), "messagePolicies[0]").message());
        assertEquals("must be between 1 and " + RouteDefinition.MAX_BUFFERED_MESSAGE_BYTES, onlyErrorFor(minimal()
                .add("maxBufferedMessageBytes", 0).build(), "maxBufferedMessageBytes").message());
    }

    @Test
    void passesTheMessagePoliciesToTheirOwnCheck() {
        List<FieldError> errors = rejectedWith(minimal().add("messagePolicies",
                Json.createArrayBuilder().add(json("{\"type\":\"x\"}"))).build());
        assertEquals(List.of(new FieldError("messagePolicies[0].type", "checked")), errors);
    }

    private static List<FieldError> rejectedWith(JsonObject json) {
        try {
            RouteDefinition.fromJson(json, RouteDefinition.PolicyCheck.NONE,
                    entries -> List.of(new FieldError("messagePolicies[0].type", "checked")));
        } catch (InvalidRouteException e) {
            return e.errors();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void toJsonRoundTripsAMinimalDefinitionWithoutInventingSettings() {
        RouteDefinition d = RouteDefinition.fromJson(minimal().build());

        JsonObject written = d.toJson().build();

        assertFalse(written.containsKey("connectTimeoutMillis"));
        assertFalse(written.containsKey("idleTimeoutSeconds"));
        assertFalse(written.containsKey("maxMessageBytes"));
        assertFalse(written.containsKey("description"));
        assertTrue(written.getBoolean("enabled"));
        assertEquals(d, RouteDefinition.fromJson(written));
    }

    @Test
    void storedRouteJsonCarriesTheVersionAndReadsBack() {
        StoredRoute stored = new StoredRoute(RouteDefinition.fromJson(minimal().build()), 12);

        JsonObject written = stored.toJson();

        assertEquals(12, written.getJsonNumber("version").longValueExact());
        assertEquals(stored, StoredRoute.fromJson(json(written.toString())));
    }

    @Test
    void withIdChangesOnlyTheId() {
        RouteDefinition d = RouteDefinition.fromJson(minimal().add("description", "x").build());
        RouteDefinition renamed = d.withId("other");
        assertEquals("other", renamed.id());
        assertEquals(d, renamed.withId("echo"));
    }
}
