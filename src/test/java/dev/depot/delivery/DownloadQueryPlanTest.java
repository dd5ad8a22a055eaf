package dev.depot.delivery;

import dev.depot.support.Backend;
import dev.depot.support.QueryPlan;
import dev.depot.support.TestServer;
import java.util.List;
import java.util.Map;
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

    private static final Map<String, String> LITERALS = Map.of("since", "20000", "limit", "10", "day", "20000", "end",
            "1728000000000");

    private void indexed(String sql, String table, String alias) {
        QueryPlan.indexed(server, backend, sql, LITERALS, table, alias);
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
