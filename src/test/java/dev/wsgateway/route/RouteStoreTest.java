package dev.wsgateway.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteStoreTest {
    private static final RouteDefaults DEFAULTS = new RouteDefaults(5_000, 300, 65_536, 30, List.of());

    @TempDir
    Path dir;

    private static RouteDefinition def(String id, String path) {
        return new RouteDefinition(id, path, URI.create("ws://127.0.0.1:9000/" + id), List.of(), null, null, null,
                null, true, null, List.of());
    }

    private RouteStore loadedStore(Supplier<List<RouteDefinition>> seeds) throws IOException {
        RouteStore store = new RouteStore(new RouteFile(dir), DEFAULTS, seeds);
        store.load();
        return store;
    }

    private RouteStore loadedStore() throws IOException {
        return loadedStore(List::of);
    }

    private List<String> ids(RouteStore store) {
        return store.list().stream().map(r -> r.definition().id()).toList();
    }

    private List<Path> filesInDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(Path::getFileName).sorted().toList();
        }
    }

    // ---- seeding ----------------------------------------------------------------------------------

    @Test
    void writesTheSeedRoutesWhenNoStoreExistsYet() throws IOException {
        RouteStore store = loadedStore(() -> List.of(def("echo", "/echo"), def("chat", "/chat")));

        assertTrue(Files.exists(dir.resolve("routes.json")));
        assertEquals(List.of("chat", "echo"), ids(store), "listed by id");
        assertEquals(1, store.get("echo").orElseThrow().version());
        assertEquals(Optional.of("echo"), store.table().match("/echo/x").map(Route::id));
        assertTrue(store.isLoaded());
    }

    @Test
    void doesNotReseedOnceAStoreExists() throws IOException {
        AtomicInteger seedCalls = new AtomicInteger();
        Supplier<List<RouteDefinition>> seeds = () -> {
            seedCalls.incrementAndGet();
            return List.of(def("echo", "/echo"));
        };
        RouteStore first = loadedStore(seeds);
        first.create(def("extra", "/extra"));

        RouteStore second = loadedStore(seeds);

        assertEquals(1, seedCalls.get(), "seeds are asked for only when there is no store");
        assertEquals(List.of("echo", "extra"), ids(second));
    }

    @Test
    void messagePoliciesAndTheAssemblyLimitSurviveTheRouteFile() throws IOException {
        jakarta.json.JsonObject entry = jakarta.json.Json.createObjectBuilder().add("type", "messageSize")
                .add("direction", "clientToBackend").add("maxBytes", 10).build();
        RouteDefinition d = new RouteDefinition("mp", "/mp", URI.create("ws://127.0.0.1:9000/mp"), List.of(), null,
                null, null, null, null, true, null, List.of(), List.of(entry), 2048);
        loadedStore().create(d);

        RouteStore reloaded = loadedStore();

        assertEquals(d, reloaded.get("mp").orElseThrow().definition());
        Route route = reloaded.route("mp").orElseThrow();
        assertEquals(List.of(entry), route.messagePolicies());
        assertEquals(2048, route.maxBufferedMessageBytes());
    }

    @Test
    void doesNotReseedAStoreThatHoldsZeroRoutes() throws IOException {
        Supplier<List<RouteDefinition>> seeds = () -> List.of(def("echo", "/echo"));
        RouteStore first = loadedStore(seeds);
        first.delete("echo", null);
        assertEquals(List.of(), ids(first));

        RouteStore second = loadedStore(seeds);

        assertEquals(List.of(), ids(second), "an administrator who deleted every route keeps zero routes");
        assertEquals(0, second.table().size());
    }

    @Test
    void writesAnEmptyStoreWhenThereAreNoSeeds() throws IOException {
        RouteStore store = loadedStore();

        assertTrue(Files.exists(dir.resolve("routes.json")));
        assertEquals(List.of(), ids(store));
        assertEquals(Optional.of(List.of()), new RouteFile(dir).load());
    }

    @Test
    void refusesSeedsThatShareAPathAndWritesNothing() {
        RouteStore store = new RouteStore(new RouteFile(dir), DEFAULTS,
                () -> List.of(def("a", "/same"), def("b", "/same")));

        assertThrows(RouteConflictException.class, store::load);
        assertFalse(Files.exists(dir.resolve("routes.json")));
        assertFalse(store.isLoaded());
    }

    @Test
    void refusesUseBeforeLoad() {
        RouteStore store = new RouteStore(new RouteFile(dir), DEFAULTS, List::of);

        assertFalse(store.isLoaded());
        assertThrows(IllegalStateException.class, store::list);
        assertThrows(IllegalStateException.class, () -> store.create(def("a", "/a")));
    }

    // ---- create / update / delete -----------------------------------------------------------------

    @Test
    void createUpdateAndDeletePersistAcrossANewStoreOnTheSameDirectory() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));
        store.create(def("b", "/b"));
        RouteDefinition newA = new RouteDefinition("a", "/a2", URI.create("wss://elsewhere/x"), List.of("p"), 10, 20,
                30, 5, false, "moved", List.of());
        store.update("a", newA, null);
        store.delete("b", null);

        RouteStore reopened = loadedStore();

        assertEquals(List.of("a"), ids(reopened));
        StoredRoute a = reopened.get("a").orElseThrow();
        assertEquals(newA, a.definition());
        assertEquals(2, a.version());
        assertTrue(reopened.get("b").isEmpty());
        assertEquals(Optional.of("a"), reopened.table().match("/a2").map(Route::id));
        assertTrue(reopened.table().match("/a").isEmpty());
    }

    @Test
    void aCreatedRouteStartsAtVersionOneAndIsMatchedAtOnce() throws IOException {
        RouteStore store = loadedStore();

        StoredRoute created = store.create(def("a", "/a"));

        assertEquals(1, created.version());
        Route compiled = store.table().match("/a").orElseThrow();
        assertEquals(1, compiled.version());
        assertEquals(DEFAULTS.connectTimeoutMillis(), compiled.connectTimeoutMillis(), "defaults applied");
    }

    @Test
    void refusesToCreateARouteWithAnExistingId() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));

        assertThrows(RouteConflictException.class, () -> store.create(def("a", "/other")));

        assertEquals("/a", store.get("a").orElseThrow().definition().path());
        assertEquals("/a", loadedStore().get("a").orElseThrow().definition().path());
    }

    @Test
    void refusesASecondRouteOnTheSamePathAndSavesNothing() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));
        byte[] before = Files.readAllBytes(dir.resolve("routes.json"));

        assertThrows(RouteConflictException.class, () -> store.create(def("b", "/a")));

        assertArrayEquals(before, Files.readAllBytes(dir.resolve("routes.json")), "the store file is unchanged");
        assertEquals(List.of("a"), ids(store), "the live snapshot is unchanged");
        assertEquals(List.of("a"), ids(loadedStore()));
    }

    @Test
    void refusesAnUpdateThatMovesARouteOntoAnotherRoutesPath() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));
        store.create(def("b", "/b"));
        byte[] before = Files.readAllBytes(dir.resolve("routes.json"));

        assertThrows(RouteConflictException.class, () -> store.update("b", def("b", "/a"), null));

        assertArrayEquals(before, Files.readAllBytes(dir.resolve("routes.json")));
        assertEquals(1, store.get("b").orElseThrow().version());
        assertEquals("/b", store.get("b").orElseThrow().definition().path());
    }

    @Test
    void updateIncrementsTheVersionEachTime() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));

        assertEquals(2, store.update("a", def("a", "/a"), 1L).version());
        assertEquals(3, store.update("a", def("a", "/a"), null).version());
        assertEquals(4, store.update("a", def("a", "/a"), 3L).version());
        assertEquals(4, store.get("a").orElseThrow().version());
        assertEquals(4, store.table().match("/a").orElseThrow().version());
        assertEquals(4, loadedStore().get("a").orElseThrow().version());
    }

    @Test
    void refusesAnUpdateNamingAStaleVersion() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));
        store.update("a", def("a", "/a"), null); // now at 2

        StaleRouteVersionException e = assertThrows(StaleRouteVersionException.class,
                () -> store.update("a", def("a", "/changed"), 1L));

        assertEquals(2, e.currentVersion());
        assertEquals("/a", store.get("a").orElseThrow().definition().path());
        assertEquals(2, store.get("a").orElseThrow().version());
    }

    @Test
    void refusesADeleteNamingAStaleVersion() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));

        assertThrows(StaleRouteVersionException.class, () -> store.delete("a", 5L));

        assertTrue(store.get("a").isPresent());
        store.delete("a", 1L);
        assertTrue(store.get("a").isEmpty());
    }

    @Test
    void refusesToUpdateOrDeleteAnUnknownRoute() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));

        assertThrows(RouteNotFoundException.class, () -> store.update("nope", def("nope", "/nope"), null));
        assertThrows(RouteNotFoundException.class, () -> store.delete("nope", null));
        assertThrows(RouteNotFoundException.class, () -> store.delete("nope", 1L));
        assertEquals(List.of("a"), ids(store));
    }

    @Test
    void aDeletedIdCanBeCreatedAgainFromVersionOne() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));
        store.update("a", def("a", "/a"), null);
        store.delete("a", null);

        assertEquals(1, store.create(def("a", "/a")).version());
    }

    @Test
    void aSnapshotTakenBeforeAWriteDoesNotChange() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));
        RouteTable before = store.table();
        List<StoredRoute> listed = store.list();

        store.create(def("b", "/b"));

        assertEquals(1, before.size());
        assertEquals(1, listed.size());
        assertEquals(2, store.table().size());
    }

    // ---- RouteFile --------------------------------------------------------------------------------

    @Test
    void loadOfAMissingFileIsEmpty() throws IOException {
        assertEquals(Optional.empty(), new RouteFile(dir).load());
    }

    @Test
    void saveLeavesNoTemporaryFileBehind() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));
        store.update("a", def("a", "/a"), null);
        store.create(def("b", "/b"));

        assertEquals(List.of(Path.of("routes.json")), filesInDir());
    }

    @Test
    void saveCreatesTheDataDirectoryWhenMissing() throws IOException {
        RouteFile file = new RouteFile(dir.resolve("nested/data"));

        file.save(List.of(new StoredRoute(def("a", "/a"), 3)));

        assertEquals(Optional.of(List.of(new StoredRoute(def("a", "/a"), 3))), file.load());
    }

    @Test
    void theMaximumSessionAgeSurvivesTheFile() throws IOException {
        RouteFile file = new RouteFile(dir);
        RouteDefinition aged = new RouteDefinition("aged", "/aged", URI.create("ws://127.0.0.1:9000/aged"), List.of(),
                null, null, null, null, null, true, null, List.of(), List.of(), null, 90);

        file.save(List.of(new StoredRoute(aged, 1)));

        assertEquals(90, file.load().orElseThrow().get(0).definition().maxSessionSeconds());
    }

    @Test
    void saveReplacesTheFileAsAWhole() throws IOException {
        RouteFile file = new RouteFile(dir);
        List<StoredRoute> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new StoredRoute(def("r" + i, "/r" + i), i + 1));
        }
        file.save(many);
        long bigSize = Files.size(file.path());
        assertEquals(Optional.of(many), file.load());

        List<StoredRoute> one = List.of(new StoredRoute(def("only", "/only"), 1));
        file.save(one);

        assertTrue(Files.size(file.path()) < bigSize / 100, "no tail of the longer content is left");
        assertEquals(Optional.of(one), file.load());
        assertEquals(List.of(Path.of("routes.json")), filesInDir());
    }

    @Test
    void aCorruptStoreFailsToLoadAndIsLeftUntouched() throws IOException {
        Path routes = dir.resolve("routes.json");
        byte[] corrupt = "{\"format\":1,\"routes\":[{\"id\":\"a\",\"pa".getBytes(StandardCharsets.UTF_8);
        Files.write(routes, corrupt);

        assertThrows(IOException.class, () -> new RouteFile(dir).load());

        RouteStore store = new RouteStore(new RouteFile(dir), DEFAULTS, () -> List.of(def("seed", "/seed")));
        assertThrows(IOException.class, store::load);
        assertFalse(store.isLoaded());
        assertArrayEquals(corrupt, Files.readAllBytes(routes), "the corrupt file is not overwritten by seeds");
        assertEquals(List.of(Path.of("routes.json")), filesInDir());
    }

    @Test
    void storesThatAreValidJsonButNotARouteStoreFailToLoad() throws IOException {
        Path routes = dir.resolve("routes.json");
        for (String content : List.of(
                "[]",
                "{\"routes\":[]}",
                "{\"format\":2,\"routes\":[]}",
                "{\"format\":1}",
                "{\"format\":1,\"routes\":[{\"id\":\"a\",\"path\":\"/a\",\"backend\":\"ws://h/\"}]}", // no version
                "{\"format\":1,\"routes\":[{\"id\":\"bad id\",\"path\":\"/a\",\"backend\":\"ws://h/\",\"version\":1}]}",
                "")) {
            Files.writeString(routes, content);
            assertThrows(IOException.class, () -> new RouteFile(dir).load(), content);
        }
    }

    @Test
    void aSaveThatCannotProduceItsContentLeavesTheOldFileIntact() throws IOException {
        RouteFile file = new RouteFile(dir);
        List<StoredRoute> good = List.of(new StoredRoute(def("a", "/a"), 1));
        file.save(good);
        byte[] before = Files.readAllBytes(file.path());
        // A definition without a backend cannot be written as JSON.
        RouteDefinition broken = new RouteDefinition("b", "/b", null, List.of(), null, null, null, null, true, null, List.of());

        assertThrows(RuntimeException.class, () -> file.save(List.of(new StoredRoute(broken, 1))));

        assertArrayEquals(before, Files.readAllBytes(file.path()));
        assertEquals(Optional.of(good), file.load());
        assertEquals(List.of(Path.of("routes.json")), filesInDir());
    }

    @Test
    void aSaveWhoseRenameFailsLeavesNoTemporaryFileBehind() throws IOException {
        // routes.json is a non-empty directory: the temp file is written, and the rename onto it fails.
        Path routes = dir.resolve("routes.json");
        Files.createDirectories(routes);
        Files.writeString(routes.resolve("keep"), "x");
        RouteFile file = new RouteFile(dir);

        assertThrows(IOException.class, () -> file.save(List.of(new StoredRoute(def("a", "/a"), 1))));

        assertEquals(List.of(Path.of("routes.json")), filesInDir());
        assertTrue(Files.isDirectory(routes));
        assertEquals("x", Files.readString(routes.resolve("keep")));
    }

    @Test
    void aStoreWhoseSaveFailsKeepsItsLiveRoutes() throws IOException {
        RouteStore store = loadedStore();
        store.create(def("a", "/a"));
        Path routes = dir.resolve("routes.json");
        Files.delete(routes);
        Files.createDirectories(routes);
        Files.writeString(routes.resolve("keep"), "x");

        assertThrows(java.io.UncheckedIOException.class, () -> store.create(def("b", "/b")));

        assertEquals(List.of("a"), ids(store), "a change that was not saved does not take effect");
        assertTrue(store.table().match("/b").isEmpty());
    }
}
