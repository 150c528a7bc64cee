package dev.wsgateway.store.pg;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.store.RecordBackend;
import dev.wsgateway.store.StaleRevisionException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A collection in PostgreSQL: its records in {@code gw_record}, its revision in {@code gw_collection}. A
 * commit advances the revision only if it is still the one the writer read (the row lock orders concurrent
 * writers; the loser is refused and redoes its change on fresh data), writes the records that changed, and
 * records a {@code changed} event whose notification wakes the other instances, all in one transaction.
 */
final class PgRecords implements RecordBackend {
    private final PgCluster cluster;
    private final String collection;

    PgRecords(PgCluster cluster, String collection) {
        this.cluster = cluster;
        this.collection = collection;
    }

    @Override
    public Stored read() {
        return cluster.inTransaction("read " + collection, true, c -> {
            long revision = 0;
            boolean exists = false;
            try (PreparedStatement s = c.prepareStatement("SELECT revision FROM gw_collection WHERE name = ?")) {
                s.setString(1, collection);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        revision = r.getLong(1);
                        exists = true;
                    }
                }
            }
            Map<String, JsonObject> records = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, doc::text FROM gw_record WHERE collection = ? ORDER BY id")) {
                s.setString(1, collection);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        try (JsonReader reader = JSON.createReader(new StringReader(r.getString(2)))) {
                            records.put(r.getString(1), reader.readObject());
                        }
                    }
                }
            }
            return new Stored(revision, exists, records);
        });
    }

    @Override
    public long commit(long baseRevision, Map<String, JsonObject> before, Map<String, JsonObject> after) {
        return cluster.inTransaction("write " + collection, false, c -> {
            long next = advance(c, baseRevision);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM gw_record WHERE collection = ? AND id = ?");
                 PreparedStatement upsert = c.prepareStatement("INSERT INTO gw_record (collection, id, doc) "
                         + "VALUES (?, ?, ?::jsonb) ON CONFLICT (collection, id) DO UPDATE SET doc = EXCLUDED.doc")) {
                for (String id : before.keySet()) {
                    if (!after.containsKey(id)) {
                        delete.setString(1, collection);
                        delete.setString(2, id);
                        delete.addBatch();
                    }
                }
                for (Map.Entry<String, JsonObject> e : after.entrySet()) {
                    if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                        upsert.setString(1, collection);
                        upsert.setString(2, e.getKey());
                        upsert.setString(3, e.getValue().toString());
                        upsert.addBatch();
                    }
                }
                delete.executeBatch();
                upsert.executeBatch();
            }
            cluster.recordEvent(c, PgCluster.CHANGED, collection, null);
            return next;
        });
    }

    private long advance(Connection c, long baseRevision) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE gw_collection SET revision = revision + 1 WHERE name = ? AND revision = ?")) {
            s.setString(1, collection);
            s.setLong(2, baseRevision);
            if (s.executeUpdate() == 1) {
                return baseRevision + 1;
            }
        }
        if (baseRevision == 0) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO gw_collection (name, revision) VALUES (?, 1) ON CONFLICT (name) DO NOTHING")) {
                s.setString(1, collection);
                if (s.executeUpdate() == 1) {
                    return 1;
                }
            }
        }
        throw new StaleRevisionException(collection, baseRevision);
    }
}
