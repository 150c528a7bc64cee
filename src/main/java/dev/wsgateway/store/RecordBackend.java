package dev.wsgateway.store;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.util.Map;

/**
 * Where one collection of records (routes, API keys, Basic users, revocations) is kept: a JSON file for a
 * single instance ({@link FileRecords}), or PostgreSQL for a cluster. Records are JSON documents by id; the
 * collection carries a revision that every write advances, so a writer working from an old snapshot is
 * refused instead of overwriting what another instance wrote meanwhile.
 */
public interface RecordBackend {

    /** What is stored: the revision, whether anything was ever written, the records by id. */
    record Stored(long revision, boolean exists, Map<String, JsonObject> records) {
    }

    Stored read() throws IOException;

    /**
     * Replaces the collection's records {@code before} with {@code after}, if it is still at
     * {@code baseRevision}. All or nothing.
     *
     * @return the new revision
     * @throws StaleRevisionException when another writer got there first (read again and redo the change)
     * @throws StoreUnavailableException when the store cannot be reached (nothing was written)
     */
    long commit(long baseRevision, Map<String, JsonObject> before, Map<String, JsonObject> after) throws IOException;
}
