package dev.wsgateway.store;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A collection kept in one {@link JsonFile}: {@code {"format": 1, "<array>": [records...]}}. One instance
 * owns the file, so the revision is only counted in memory.
 */
public final class FileRecords implements RecordBackend {
    private final JsonFile file;
    private final String arrayName;
    private final String idField;
    private long revision;

    public FileRecords(JsonFile file, String arrayName, String idField) {
        this.file = file;
        this.arrayName = arrayName;
        this.idField = idField;
    }

    public Path path() {
        return file.path();
    }

    @Override
    public synchronized Stored read() throws IOException {
        Optional<JsonObject> root = file.load();
        if (root.isEmpty()) {
            return new Stored(revision, false, Map.of());
        }
        try {
            JsonArray array = root.get().getJsonArray(arrayName);
            if (array == null) {
                throw new IllegalArgumentException("no \"" + arrayName + "\" array");
            }
            Map<String, JsonObject> records = new LinkedHashMap<>();
            for (JsonValue v : array) {
                JsonObject record = v.asJsonObject();
                records.put(record.getString(idField), record);
            }
            return new Stored(revision, true, records);
        } catch (RuntimeException e) {
            throw new IOException(file.path() + " is not a valid store: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long commit(long baseRevision, Map<String, JsonObject> before, Map<String, JsonObject> after)
            throws IOException {
        if (baseRevision != revision) {
            throw new StaleRevisionException(file.path().toString(), baseRevision);
        }
        JsonArrayBuilder array = JSON.createArrayBuilder();
        after.values().forEach(array::add);
        file.save(JSON.createObjectBuilder().add(arrayName, array).build());
        return ++revision;
    }
}
