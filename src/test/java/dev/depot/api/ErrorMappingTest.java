package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Which database failures are a busy database (503, try again) and which are bugs, from the real driver's exceptions. */
class ErrorMappingTest {
    @Test
    void aWriterThatCannotGetSQLitesWriteLockIsABusyDatabaseNotABug() throws Exception {
        Path db = Files.createTempDirectory("depot-busy").resolve("busy.db");
        try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + db);
             Connection waiter = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = holder.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("CREATE TABLE t (x INTEGER)");
                s.execute("BEGIN IMMEDIATE");
                s.execute("INSERT INTO t VALUES (1)");
            }
            Throwable busy;
            try (Statement s = waiter.createStatement()) {
                s.execute("PRAGMA busy_timeout = 0");
                busy = catchThrowable(() -> s.execute("INSERT INTO t VALUES (2)"));
            }
            assertThat(busy).isNotNull();
            assertThat(ErrorMapping.busyDatabase(new RuntimeException("wrapped", busy))).isTrue();
            assertThat(ErrorMapping.lostDatabase(busy)).isFalse();

            Throwable bug;
            try (Statement s = waiter.createStatement()) {
                bug = catchThrowable(() -> s.execute("SELECT nothing FROM nowhere"));
            }
            assertThat(bug).isNotNull();
            assertThat(ErrorMapping.busyDatabase(bug)).as("a bad statement is a bug").isFalse();
        }
    }
}
