package dev.depot.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.Backend;
import dev.depot.support.TestServer;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The queries behind counts and charts reach their rows through an index on both databases (on
 * PostgreSQL with sequential scans made unattractive, since a small table is scanned anyway): what
 * they read grows with the period asked for, not with the history.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class DownloadQueryPlanTest {
    @Parameter
    Backend backend;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(backend);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String plan(String sql) {
        return server.depot().database().jdbi().withHandle(h -> {
            if (backend == Backend.POSTGRESQL) {
                h.execute("SET enable_seqscan = off");
                return String.join("\n", h.createQuery("EXPLAIN " + sql).mapTo(String.class).list());
            }
            return String.join("\n", explainSqlite(h, sql));
        });
    }

    private static List<String> explainSqlite(Handle h, String sql) {
        return h.createQuery("EXPLAIN QUERY PLAN " + sql).map((rs, ctx) -> rs.getString("detail")).list();
    }

    private static String literal(String sql) {
        return sql.replace(":since", "20000").replace(":limit", "10").replace(":day", "20000")
                .replace(":end", "1728000000000");
    }

    /** The table is reached through an index (SQLite: SEARCH; PostgreSQL: an index or bitmap scan), never read whole. */
    private void indexed(String sql, String table, String alias) {
        String plan = plan(literal(sql));
        if (backend == Backend.POSTGRESQL) {
            assertThat(plan).as(sql).doesNotContain("Seq Scan on " + table).containsPattern("Index.* on " + table);
        } else {
            assertThat(plan).as(sql).doesNotContainPattern("(?m)^SCAN (" + table + "|" + alias + ")\\b")
                    .containsPattern("(?m)^SEARCH (" + table + "|" + alias + ") USING (COVERING )?INDEX");
        }
    }

    @Test
    void chartsAndTopBuildsReadTheDaysOfThePeriodByIndex() {
        for (String sql : List.of(DownloadRepository.DAILY.formatted("1 = 1"), DownloadRepository.TOP.formatted("1 = 1"),
                DownloadRepository.DAILY.formatted("(b.device_id IN (1, 2))"))) {
            indexed(sql, "download_days", "e");
        }
    }

    @Test
    void periodCountsReadDaysAndOneDayOfEventsByIndex() {
        indexed("SELECT COALESCE(SUM(n), 0) FROM download_hours WHERE hour >= :day", "download_hours", "download_hours");
        indexed("SELECT COUNT(*) FROM download_events WHERE occurred_at >= :since AND occurred_at < :end", "download_events",
                "download_events");
        indexed("SELECT COALESCE(SUM(n), 0) FROM download_days WHERE build_id = 1 AND download_type = 'update'", "download_days",
                "download_days");
    }
}
