package dev.wsgateway.store;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one shape of the gateway's stores: an immutable snapshot of records by id (plus a view derived from
 * them, such as the compiled route table) that lookups read without locking; writes that are durable in the
 * {@link RecordBackend} before they take effect; and a change feed: every listener hears each new snapshot,
 * whether this instance wrote it or {@link #refresh()} read it after another instance did.
 *
 * <p>A write is a function of the current records. It runs under this store's lock; if another instance
 * wrote first ({@link StaleRevisionException}), the store reads again and runs the function again, so a
 * check inside it (a version, a uniqueness rule) always sees what it replaces.
 *
 * @param <V> a record
 * @param <D> the view lookups use
 */
public final class SnapshotStore<V, D> {
    private static final int MAX_ATTEMPTS = 10;

    /** Hears every new snapshot, after it took effect. */
    public interface ChangeListener<V> {
        void changed(Map<String, V> before, Map<String, V> after);
    }

    /** How records turn into stored JSON and back. */
    public interface Codec<V> {
        JsonObject toJson(V record);

        V fromJson(JsonObject json);
    }

    public record Snapshot<V, D>(long revision, Map<String, V> records, D view) {
    }

    private final String name;
    private final RecordBackend backend;
    private final Codec<V> codec;
    private final Function<Map<String, V>, D> view;
    private final Object writeLock = new Object();
    private final List<ChangeListener<V>> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot<V, D> snapshot;

    /**
     * @param name what the store is called in messages ("the API key store")
     * @param view derives the lookup view from the records (called once per snapshot)
     */
    public SnapshotStore(String name, RecordBackend backend, Codec<V> codec, Function<Map<String, V>, D> view) {
        this.name = name;
        this.backend = backend;
        this.codec = codec;
        this.view = view;
    }

    public String name() {
        return name;
    }

    public RecordBackend backend() {
        return backend;
    }

    public void onChange(ChangeListener<V> listener) {
        listeners.add(listener);
    }

    /**
     * Reads the stored records; when nothing was ever stored, writes {@code seeds} as the first content (null:
     * write nothing).
     */
    public void load(Supplier<Map<String, V>> seeds) throws IOException {
        Map<String, V> before;
        Snapshot<V, D> loaded;
        synchronized (writeLock) {
            before = snapshot == null ? Map.of() : snapshot.records();
            RecordBackend.Stored stored = backend.read();
            loaded = decode(stored);
            if (!stored.exists() && seeds != null) {
                Map<String, V> seeded = new LinkedHashMap<>(seeds.get());
                try {
                    long revision = backend.commit(stored.revision(), Map.of(), encode(seeded));
                    loaded = snapshotOf(revision, seeded);
                } catch (StaleRevisionException e) {
                    loaded = decode(backend.read()); // another instance seeded first
                }
            }
            snapshot = loaded;
        }
        fire(before, loaded.records());
    }

    /** Reads the store again and publishes what another instance changed; false when nothing had changed. */
    public boolean refresh() throws IOException {
        Map<String, V> before;
        Snapshot<V, D> next;
        synchronized (writeLock) {
            Snapshot<V, D> current = snapshot;
            RecordBackend.Stored stored = backend.read();
            if (current != null && stored.revision() <= current.revision()) {
                return false;
            }
            before = current == null ? Map.of() : current.records();
            next = decode(stored);
            snapshot = next;
        }
        fire(before, next.records());
        return true;
    }

    public boolean isLoaded() {
        return snapshot != null;
    }

    /** The current snapshot; a store not loaded yet (its database unreachable at start) is unavailable. */
    public Snapshot<V, D> current() {
        Snapshot<V, D> s = snapshot;
        if (s == null) {
            throw new StoreUnavailableException(name + " is not loaded", null);
        }
        return s;
    }

    public Map<String, V> records() {
        return current().records();
    }

    public D view() {
        return current().view();
    }

    /**
     * Changes the records: {@code change} edits a copy of the current ones and returns the result of the call;
     * the copy is written if it differs. Exceptions from {@code change} leave the store as it was.
     *
     * @throws StoreUnavailableException when the backend cannot be reached (nothing was changed)
     */
    public <R> R update(Function<Map<String, V>, R> change) {
        Map<String, V> before = null;
        Map<String, V> after = null;
        try {
            synchronized (writeLock) {
                try {
                    before = current().records();
                    return write(change);
                } finally {
                    after = snapshot == null ? null : snapshot.records();
                }
            }
        } finally {
            // Also when the write was refused: what a re-read brought in (another instance's changes) is news.
            if (before != null && after != null && after != before) {
                fire(before, after);
            }
        }
    }

    /** The write itself, under the lock; retried on a fresh read when another writer was first. */
    private <R> R write(Function<Map<String, V>, R> change) {
        int attempt = 0;
        while (true) {
            Snapshot<V, D> current = current();
            Map<String, V> next = new LinkedHashMap<>(current.records());
            R result = change.apply(next);
            if (next.equals(current.records())) {
                return result;
            }
            try {
                long revision = backend.commit(current.revision(), encode(current.records()), encode(next));
                snapshot = snapshotOf(revision, next);
                return result;
            } catch (StaleRevisionException e) {
                if (++attempt >= MAX_ATTEMPTS) {
                    throw new StoreUnavailableException(name + " is changing too fast to write; try again", e);
                }
                reread();
            } catch (IOException e) {
                throw new UncheckedIOException("could not save " + name, e);
            }
        }
    }

    /**
     * Replaces every record with those of {@code source} (another backend, such as a single instance's JSON
     * file), if this store's revision is at most {@code maxRevision} (nothing written since it was created or
     * seeded). Returns how many records it copied.
     *
     * @throws IllegalStateException when the store has been written to since
     */
    public int copyFrom(RecordBackend source, long maxRevision) throws IOException {
        Snapshot<V, D> read = decode(source.read());
        return update(records -> {
            if (current().revision() > maxRevision) {
                throw new IllegalStateException(name + " is not empty: it was changed since it was created");
            }
            records.clear();
            records.putAll(read.records());
            return read.records().size();
        });
    }

    private void reread() {
        try {
            snapshot = decode(backend.read());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + name, e);
        }
    }

    private Snapshot<V, D> decode(RecordBackend.Stored stored) throws IOException {
        Map<String, V> records = new LinkedHashMap<>();
        try {
            stored.records().forEach((id, json) -> records.put(id, codec.fromJson(json)));
        } catch (RuntimeException e) {
            throw new IOException(name + " holds an invalid record: " + e.getMessage(), e);
        }
        return snapshotOf(stored.revision(), records);
    }

    private Snapshot<V, D> snapshotOf(long revision, Map<String, V> records) {
        Map<String, V> frozen = Collections.unmodifiableMap(new LinkedHashMap<>(records));
        return new Snapshot<>(revision, frozen, view.apply(frozen));
    }

    private Map<String, JsonObject> encode(Map<String, V> records) {
        Map<String, JsonObject> json = new LinkedHashMap<>();
        records.forEach((id, r) -> json.put(id, codec.toJson(r)));
        return json;
    }

    private void fire(Map<String, V> before, Map<String, V> after) {
        for (ChangeListener<V> l : listeners) {
            try {
                l.changed(before, after);
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(SnapshotStore.class.getName())
                        .log(java.util.logging.Level.WARNING, name + ": a change listener failed", e);
            }
        }
    }
}
