package dev.wsgateway.policy.builtin;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The public keys of one JWKS (a file or an http(s) URL), cached for one policy instance and shared by all
 * its handshakes. Keys are loaded on the first handshake (never while a route is only validated), and
 * loaded again:
 * <ul>
 * <li>when a token names a key the cache does not hold (key rotation), at most once per
 * {@link #UNKNOWN_KEY_RELOAD_INTERVAL};</li>
 * <li>for a file, when its size, modification time or identity changed;</li>
 * <li>for a URL, when the keys are older than {@link #MAX_AGE} (keys the issuer withdrew stop working).</li>
 * </ul>
 * A failed reload keeps the keys already held; only when there are none (or a token names an unknown key
 * and the reload failed) is the source {@linkplain Unavailable unavailable}. Loads after a failure wait
 * {@link #RETRY_AFTER_FAILURE}. Times come from the handshake ({@code now}), so tests can drive them.
 * Thread-safe: lookups of known keys never block; loads are single-flight.
 */
final class JwksCache {
    static final Duration UNKNOWN_KEY_RELOAD_INTERVAL = Duration.ofSeconds(10);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** The largest JWKS document read from a URL. */
    static final int MAX_BYTES = 512 * 1024;

    private static final Logger LOG = Logger.getLogger(JwksCache.class.getName());

    /** The key source could not be read and no usable keys are held. Carries no detail on purpose. */
    static final class Unavailable extends Exception {
        Unavailable() {
            super("token keys unavailable", null, false, false);
        }
    }

    /** Where the keys come from. */
    interface Source {
        /** {@code jwksUrl} or {@code jwksFile}. */
        String kind();

        /** The location as administrators may see it (a URL without user info or query). */
        String location();

        /** Something that changes when the content may have (a file's attributes), or null to skip the check. */
        Object stamp();

        String read() throws IOException;
    }

    private record Snapshot(JWKSet keys, Instant loadedAt, Object stamp) {
    }

    private final Source source;
    private final ReentrantLock loading = new ReentrantLock();
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt;
    private volatile boolean lastAttemptFailed;
    private volatile boolean failing;

    JwksCache(Source source) {
        this.source = source;
    }

    static JwksCache forFile(Path file) {
        return new JwksCache(new FileSource(file));
    }

    static JwksCache forUrl(URI url, int timeoutMillis) {
        return new JwksCache(new UrlSource(url, timeoutMillis));
    }

    String kind() {
        return source.kind();
    }

    String location() {
        return source.location();
    }

    /**
     * The keys {@code matcher} selects, reloading once (rate-limited) when none matches.
     *
     * @return the matching keys; empty when the source holds none (an unknown key)
     * @throws Unavailable when the source can't be read and no keys are held, or a reload meant to find an
     *                     unknown key failed
     */
    List<JWK> select(JWKMatcher matcher, Instant now) throws Unavailable {
        Snapshot current = current(now);
        JWKSelector selector = new JWKSelector(matcher);
        List<JWK> found = selector.select(current.keys());
        if (!found.isEmpty()) {
            return found;
        }
        return selector.select(reloadForUnknownKey(current, now).keys());
    }

    private Snapshot current(Instant now) throws Unavailable {
        Snapshot s = snapshot;
        if (s == null) {
            loading.lock();
            try {
                s = snapshot;
                if (s == null) {
                    if (recentlyFailed(now)) {
                        throw new Unavailable();
                    }
                    s = load(now);
                    if (s == null) {
                        throw new Unavailable();
                    }
                }
                return s;
            } finally {
                loading.unlock();
            }
        }
        if (stale(s, now) && !recentlyFailed(now) && loading.tryLock()) {
            // One thread refreshes; the others go on with the keys they have.
            try {
                if (snapshot == s) {
                    Snapshot fresh = load(now);
                    return fresh != null ? fresh : s;
                }
                return snapshot;
            } finally {
                loading.unlock();
            }
        }
        return s;
    }

    private Snapshot reloadForUnknownKey(Snapshot seen, Instant now) throws Unavailable {
        loading.lock();
        try {
            Snapshot s = snapshot;
            if (s != seen) {
                return s; // another handshake reloaded meanwhile
            }
            if (lastAttempt != null && now.isBefore(lastAttempt.plus(
                    lastAttemptFailed ? RETRY_AFTER_FAILURE : UNKNOWN_KEY_RELOAD_INTERVAL))) {
                if (lastAttemptFailed) {
                    throw new Unavailable();
                }
                return s;
            }
            Snapshot fresh = load(now);
            if (fresh == null) {
                throw new Unavailable(); // the key may exist, but the gateway can't tell
            }
            return fresh;
        } finally {
            loading.unlock();
        }
    }

    private boolean stale(Snapshot s, Instant now) {
        Object stamp = source.stamp();
        if (stamp != null || s.stamp() != null) {
            return !Objects.equals(stamp, s.stamp());
        }
        return source instanceof UrlSource && !now.isBefore(s.loadedAt().plus(MAX_AGE));
    }

    private boolean recentlyFailed(Instant now) {
        return lastAttemptFailed && lastAttempt != null && now.isBefore(lastAttempt.plus(RETRY_AFTER_FAILURE));
    }

    /** Loads under {@link #loading}; null on failure (logged once per outage). */
    private Snapshot load(Instant now) {
        lastAttempt = now;
        Object stamp = source.stamp();
        try {
            JWKSet keys = JWKSet.parse(source.read()).toPublicJWKSet();
            Snapshot fresh = new Snapshot(keys, now, stamp);
            snapshot = fresh;
            lastAttemptFailed = false;
            if (failing) {
                failing = false;
                LOG.info(() -> "Token keys from " + source.kind() + " " + source.location() + " are readable again");
            }
            return fresh;
        } catch (IOException | ParseException | RuntimeException e) {
            lastAttemptFailed = true;
            if (!failing) {
                failing = true;
                // The exception's class only: messages may echo the document or the full URL.
                LOG.log(Level.WARNING, "Token keys from {0} {1} can''t be read ({2}); handshakes that need "
                                + "keys the gateway does not hold get 503 until they can",
                        new Object[] {source.kind(), source.location(), e.getClass().getSimpleName()});
            }
            return null;
        }
    }

    private record FileStamp(Object fileKey, long modifiedNanos, long size) {
    }

    private static final class FileSource implements Source {
        private final Path file;

        FileSource(Path file) {
            this.file = file;
        }

        @Override
        public String kind() {
            return "jwksFile";
        }

        @Override
        public String location() {
            return file.toString();
        }

        @Override
        public Object stamp() {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(a.fileKey(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                        a.size());
            } catch (IOException e) {
                return "missing";
            }
        }

        @Override
        public String read() throws IOException {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
    }

    private static final class UrlSource implements Source {
        private final URL url;
        private final String shown;
        private final DefaultResourceRetriever retriever;

        UrlSource(URI uri, int timeoutMillis) {
            try {
                this.url = uri.toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException("not a URL");
            }
            this.shown = redact(uri);
            this.retriever = new DefaultResourceRetriever(timeoutMillis, timeoutMillis, MAX_BYTES);
        }

        @Override
        public String kind() {
            return "jwksUrl";
        }

        @Override
        public String location() {
            return shown;
        }

        @Override
        public Object stamp() {
            return null;
        }

        @Override
        public String read() throws IOException {
            Resource resource = retriever.retrieveResource(url);
            if (resource.getContent() == null) {
                throw new IOException("empty response");
            }
            return resource.getContent();
        }
    }

    /** A URL as administrators may see it: without user info and query. */
    static String redact(URI uri) {
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getHost() + port + path + (uri.getRawQuery() == null ? "" : "?…");
    }
}
