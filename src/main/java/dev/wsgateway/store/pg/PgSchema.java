package dev.wsgateway.store.pg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Creates and migrates the cluster schema with Flyway at start. The scripts ship in the WAR and are named in
 * {@code migrations.txt} beside them, so Flyway never scans the class path (which differs on every server:
 * WildFly's VFS, Liberty's and Payara's class loaders); a database whose schema is newer than this gateway
 * knows is refused.
 */
public final class PgSchema {
    static final String HISTORY_TABLE = "gw_schema_history";
    private static final String DIR = "/dev/wsgateway/store/pg/";

    private PgSchema() {
    }

    /** Brings the schema up to date; throws when it is newer than this code. Returns the schema's version. */
    public static String migrate(DataSource dataSource) {
        List<String> scripts = scripts();
        Flyway flyway = Flyway.configure(PgSchema.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .resourceProvider(new Listed(scripts))
                .javaMigrationClassProvider(List::of)
                .baselineOnMigrate(false)
                .load();
        MigrationVersion known = scripts.stream().map(PgSchema::versionOf).max(MigrationVersion::compareTo)
                .orElseThrow();
        MigrationInfo current = flyway.info().current();
        if (current != null && current.getVersion() != null && current.getVersion().compareTo(known) > 0) {
            throw new IllegalStateException("the database schema is at version " + current.getVersion()
                    + ", newer than this gateway knows (" + known + "): a newer gateway migrated it. Deploy that"
                    + " version here too, or point this gateway at another database");
        }
        flyway.migrate();
        return flyway.info().current().getVersion().toString();
    }

    static MigrationVersion versionOf(String script) {
        return MigrationVersion.fromVersion(script.substring(1, script.indexOf("__")).replace('_', '.'));
    }

    static List<String> scripts() {
        try (InputStream in = PgSchema.class.getResourceAsStream(DIR + "migrations.txt")) {
            if (in == null) {
                throw new IllegalStateException("the WAR lacks " + DIR + "migrations.txt");
            }
            List<String> names = new ArrayList<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The listed scripts, read with this class's own class loader. */
    private record Listed(List<String> names) implements ResourceProvider {
        @Override
        public LoadableResource getResource(String name) {
            return names.contains(name) ? new Script(name) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            List<LoadableResource> found = new ArrayList<>();
            for (String name : names) {
                if (name.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(name::endsWith)) {
                    found.add(new Script(name));
                }
            }
            return found;
        }
    }

    private static final class Script extends LoadableResource {
        private final String name;

        Script(String name) {
            this.name = name;
        }

        @Override
        public Reader read() {
            try (InputStream in = PgSchema.class.getResourceAsStream(DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("the WAR lacks the migration " + DIR + name);
                }
                return new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return DIR.substring(1) + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return null;
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
