package dev.depot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.support.Backend;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** A start skips Flyway only for a schema at the newest bundled migration, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Backend.class)
class SchemaVersionTest {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.(sql|class)");

    @Parameter
    Backend backend;

    @TempDir
    Path dir;

    @Test
    void theVersionNamedIsTheNewestMigrationBundled() throws IOException, URISyntaxException {
        Path migrations = Path.of(Database.class.getClassLoader().getResource("db/migration").toURI());
        int newest;
        try (Stream<Path> files = Files.list(migrations)) {
            newest = files.map(file -> MIGRATION.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(Database.SCHEMA_VERSION).isEqualTo(newest);
    }

    @Test
    void aCurrentSchemaOpensAgainUnchanged() {
        String url = backend.newDatabaseUrl(dir);
        Database.open(url, "", "", 2).close();
        try (Database db = Database.open(url, "", "", 2)) {
            int applied = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL").mapTo(Integer.class).one());
            assertThat(applied).isEqualTo(Database.SCHEMA_VERSION);
        }
    }

    @Test
    void aFailedMigrationInTheHistoryIsLeftToFlyway() {
        String url = backend.newDatabaseUrl(dir);
        try (Database db = Database.open(url, "", "", 2)) {
            db.jdbi().useHandle(h -> h.execute("UPDATE flyway_schema_history SET success = (1 = 0) WHERE version = ?",
                    Integer.toString(Database.SCHEMA_VERSION)));
        }
        assertThatThrownBy(() -> Database.open(url, "", "", 2)).isInstanceOf(FlywayException.class)
                .hasMessageContaining("failed");
    }
}
