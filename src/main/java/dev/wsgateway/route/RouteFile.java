package dev.wsgateway.route;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.store.FileRecords;
import dev.wsgateway.store.JsonFile;
import dev.wsgateway.store.RecordBackend;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The durable route store: {@code routes.json} in the data directory, replaced atomically. */
public final class RouteFile implements RecordBackend {
    static final int FORMAT = 1;
    private final JsonFile file;
    private final FileRecords records;

    public RouteFile(Path dataDir) {
        this.file = new JsonFile(dataDir.resolve("routes.json"), FORMAT);
        this.records = new FileRecords(file, "routes", "id");
    }

    @Override
    public Stored read() throws IOException {
        return records.read();
    }

    @Override
    public long commit(long baseRevision, Map<String, JsonObject> before, Map<String, JsonObject> after)
            throws IOException {
        return records.commit(baseRevision, before, after);
    }

    public Path path() {
        return file.path();
    }

    /** The stored routes, or empty when no store has been written yet. */
    public Optional<List<StoredRoute>> load() throws IOException {
        Optional<JsonObject> root = file.load();
        if (root.isEmpty()) {
            return Optional.empty();
        }
        try {
            List<StoredRoute> routes = new ArrayList<>();
            for (JsonValue v : root.get().getJsonArray("routes")) {
                routes.add(StoredRoute.fromJson(v.asJsonObject()));
            }
            return Optional.of(routes);
        } catch (RuntimeException e) {
            throw new IOException(file.path() + " is not a valid route store: " + e.getMessage(), e);
        }
    }

    public void save(List<StoredRoute> routes) throws IOException {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        routes.forEach(r -> array.add(r.toJson()));
        file.save(JSON.createObjectBuilder().add("routes", array).build());
    }
}
