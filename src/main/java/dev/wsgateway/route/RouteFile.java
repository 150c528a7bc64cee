package dev.wsgateway.route;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable route store: one JSON file, replaced atomically (temp file, fsync, rename, fsync of the
 * directory), so a crash mid-write leaves either the old file or the new one, never a torn one.
 */
public final class RouteFile {
    static final int FORMAT = 1;
    private final Path file;

    public RouteFile(Path dataDir) {
        this.file = dataDir.resolve("routes.json");
    }

    public Path path() {
        return file;
    }

    /** The stored routes, or empty when no store has been written yet. */
    public Optional<List<StoredRoute>> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             JsonReader reader = Json.createReader(in)) {
            JsonObject root = reader.readObject();
            int format = root.getInt("format", -1);
            if (format != FORMAT) {
                throw new IOException(file + ": unsupported store format " + format);
            }
            List<StoredRoute> routes = new ArrayList<>();
            for (JsonValue v : root.getJsonArray("routes")) {
                routes.add(StoredRoute.fromJson(v.asJsonObject()));
            }
            return Optional.of(routes);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a valid route store: " + e.getMessage(), e);
        }
    }

    public void save(List<StoredRoute> routes) throws IOException {
        Files.createDirectories(file.getParent());
        JsonArrayBuilder array = Json.createArrayBuilder();
        routes.forEach(r -> array.add(r.toJson()));
        JsonObject root = Json.createObjectBuilder().add("format", FORMAT).add("routes", array).build();

        Path temp = Files.createTempFile(file.getParent(), ".routes-", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel);
                 JsonWriter writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true))
                         .createWriter(out, StandardCharsets.UTF_8)) {
                writer.writeObject(root);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is fine there. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open directories; its rename is durable enough for our purpose.
        }
    }
}
