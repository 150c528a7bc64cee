package dev.wsgateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileTest {
    @TempDir
    Path dir;

    @Test
    void nothingStoredYetIsEmpty() throws IOException {
        assertEquals(Optional.empty(), new JsonFile(dir.resolve("x.json"), 1).load());
    }

    @Test
    void savesWithItsFormatAndLoadsBackLeavingNoTempFiles() throws IOException {
        JsonFile file = new JsonFile(dir.resolve("sub").resolve("x.json"), 3);
        file.save(Json.createObjectBuilder().add("a", "é").build());
        file.save(Json.createObjectBuilder().add("a", "b").build());
        JsonObject loaded = file.load().orElseThrow();
        assertEquals("b", loaded.getString("a"));
        assertEquals(3, loaded.getInt("format"));
        try (Stream<Path> files = Files.list(dir.resolve("sub"))) {
            assertEquals(List.of("x.json"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void anotherFormatOrBrokenJsonIsAnIoError() throws IOException {
        Path path = dir.resolve("x.json");
        new JsonFile(path, 2).save(Json.createObjectBuilder().build());
        IOException e = assertThrows(IOException.class, () -> new JsonFile(path, 1).load());
        assertTrue(e.getMessage().contains("unsupported store format 2"), e.getMessage());

        Files.writeString(path, "{\"format\": 1, ");
        assertThrows(IOException.class, () -> new JsonFile(path, 1).load());
        Files.writeString(path, "[]");
        assertThrows(IOException.class, () -> new JsonFile(path, 1).load());
    }
}
