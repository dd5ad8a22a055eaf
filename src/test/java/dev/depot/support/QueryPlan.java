package dev.depot.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

/**
 * Asserts how a database reaches a table for a query: through an index (SQLite: SEARCH; PostgreSQL:
 * an index or bitmap scan, with sequential scans made unattractive, since a small table is
 * scanned anyway), never by reading it whole. Named parameters are replaced by literals first.
 */
public final class QueryPlan {
    private QueryPlan() {}

    public static String plan(TestServer server, Backend backend, String sql) {
        return server.depot().database().jdbi().withHandle(h -> {
            if (backend == Backend.POSTGRESQL) {
                h.execute("SET enable_seqscan = off");
                return String.join("\n", h.createQuery("EXPLAIN " + sql).mapTo(String.class).list());
            }
            return String.join("\n", h.createQuery("EXPLAIN QUERY PLAN " + sql).map((rs, ctx) -> rs.getString("detail")).list());
        });
    }

    /** {@code table} (or its {@code alias}) is reached through an index in the plan of {@code sql}, with {@code literals} bound. */
    public static void indexed(TestServer server, Backend backend, String sql, Map<String, String> literals, String table, String alias) {
        String bound = sql;
        for (Map.Entry<String, String> e : literals.entrySet()) {
            bound = bound.replace(":" + e.getKey(), e.getValue());
        }
        String plan = plan(server, backend, bound);
        if (backend == Backend.POSTGRESQL) {
            assertThat(plan).as(bound).doesNotContain("Seq Scan on " + table).containsPattern("Index.* on " + table);
        } else {
            assertThat(plan).as(bound).doesNotContainPattern("(?m)^SCAN (" + table + "|" + alias + ")\\b")
                    .containsPattern("(?m)^SEARCH (" + table + "|" + alias + ")( EXISTS)? USING (COVERING )?INDEX");
        }
    }

    /**
     * The plan of {@code sql} walks {@code index} in the order asked for, so a page stops after its
     * rows (no sort of the whole table first).
     */
    public static void inIndexOrder(TestServer server, Backend backend, String sql, Map<String, String> literals, String index) {
        String bound = sql;
        for (Map.Entry<String, String> e : literals.entrySet()) {
            bound = bound.replace(":" + e.getKey(), e.getValue());
        }
        String plan = plan(server, backend, bound);
        if (backend == Backend.POSTGRESQL) {
            assertThat(plan).as(bound).containsPattern("Index Scan (Backward )?using " + index).doesNotContain("Sort");
        } else {
            assertThat(plan).as(bound).containsPattern("USING (COVERING )?INDEX " + index).doesNotContain("TEMP B-TREE");
        }
    }
}
