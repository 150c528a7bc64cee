package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.config.GatewaySettings;
import dev.wsgateway.config.GatewayStorage;
import dev.wsgateway.identity.ApiKeyStore;
import dev.wsgateway.identity.BasicUserStore;
import dev.wsgateway.identity.RevocationStore;
import dev.wsgateway.route.RouteFile;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.store.FileRecords;
import dev.wsgateway.store.JsonFile;
import dev.wsgateway.store.SnapshotStore;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * Moving a single gateway to the cluster store: {@code POST /api/admin/store/import-files} copies the JSON
 * files of a data directory (this instance's {@code gateway.data-dir} unless {@code ?dir=} names another)
 * into the PostgreSQL store, which must be empty (only the seed routes written at its creation). Every
 * instance of the cluster sees the result at once.
 */
@Path("/admin/store")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class StoreResource {
    @Inject
    GatewayStorage storage;
    @Inject
    GatewaySettings settings;
    @Inject
    RouteStore routes;
    @Inject
    ApiKeyStore keys;
    @Inject
    BasicUserStore users;
    @Inject
    RevocationStore revocations;

    @POST
    @Path("import-files")
    public String importFiles(@QueryParam("dir") String dir) throws IOException {
        if (!storage.isShared()) {
            throw new ApiProblem(409, "Conflict", "This gateway runs on the file store (gateway.store=file): there is "
                    + "nothing to import into.");
        }
        java.nio.file.Path dataDir = dir == null || dir.isBlank() ? settings.dataDir() : java.nio.file.Path.of(dir);
        if (!Files.isDirectory(dataDir)) {
            throw new ApiProblem(400, "Bad Request", "No directory " + dataDir + " on this instance.");
        }
        // Seeding is the routes' one write before anything an administrator did; the others start empty.
        Map<SnapshotStore<?, ?>, Long> targets = Map.of(routes.records(), 1L, keys.records(), 0L, users.records(), 0L,
                revocations.records(), 0L);
        targets.forEach((store, max) -> {
            if (store.current().revision() > max) {
                throw new ApiProblem(409, "Conflict", "The shared store is not empty (" + store.name()
                        + " was changed since it was created); import only into a new database.");
            }
        });
        JsonObjectBuilder copied = JSON.createObjectBuilder();
        copied.add("apiKeys", keys.records().copyFrom(
                new FileRecords(new JsonFile(dataDir.resolve("api-keys.json"), 1), "keys", "id"), 0));
        copied.add("basicUsers", users.records().copyFrom(
                new FileRecords(new JsonFile(dataDir.resolve("basic-users.json"), 1), "users", "name"), 0));
        copied.add("revocations", revocations.records().copyFrom(
                new FileRecords(new JsonFile(dataDir.resolve("revocations.json"), 1), "revocations", "id"), 0));
        if (Files.exists(dataDir.resolve("routes.json"))) {
            copied.add("routes", routes.records().copyFrom(new RouteFile(dataDir), 1));
        } else {
            copied.add("routes", 0);
        }
        return JSON.createObjectBuilder().add("from", dataDir.toString()).add("copied", copied).build().toString();
    }
}
