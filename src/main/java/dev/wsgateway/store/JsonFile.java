package dev.wsgateway.store;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
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
import java.util.Map;
import java.util.Optional;

/**
 * One durable JSON document of the gateway's state (routes, API keys, revocations): replaced atomically
 * (temp file, fsync, rename, fsync of the directory), so a crash mid-write leaves either the old file or
 * the new one, never a torn one. The document is an object with a {@code format} number.
 */
public final class JsonFile {
    private final Path file;
    private final int format;

    public JsonFile(Path file, int format) {
        this.file = file;
        this.format = format;
    }

    public Path path() {
        return file;
    }

    /** The stored document, or empty when none has been written yet. */
    public Optional<JsonObject> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             JsonReader reader = JSON.createReader(in)) {
            JsonObject root = reader.readObject();
            int found = root.getInt("format", -1);
            if (found != format) {
                throw new IOException(file + ": unsupported store format " + found);
            }
            return Optional.of(root);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a valid store: " + e.getMessage(), e);
        }
    }

    /** Writes {@code content} plus the format number, durably. */
    public void save(JsonObject content) throws IOException {
        JsonObject root = JSON.createObjectBuilder(content).add("format", format).build();
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName() + "-", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel);
                 JsonWriter writer = JSON.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true))
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
