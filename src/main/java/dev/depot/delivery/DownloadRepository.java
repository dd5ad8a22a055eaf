package dev.depot.delivery;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/** SQL for {@code download_events}: writing counted downloads in batches, and counting them. */
public final class DownloadRepository {
    private static final int BATCH = 5_000;

    private final Jdbi jdbi;

    public DownloadRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void write(List<DownloadCounter.Event> events) {
        jdbi.useTransaction(h -> {
            for (int from = 0; from < events.size(); from += BATCH) {
                PreparedBatch b = h.prepareBatch("""
                        INSERT INTO download_events (build_id, download_type, occurred_at) VALUES (:build, :type, :at)""");
                for (DownloadCounter.Event e : events.subList(from, Math.min(events.size(), from + BATCH))) {
                    b.bind("build", e.buildId()).bind("type", e.type()).bind("at", e.at()).add();
                }
                b.execute();
            }
        });
    }

    long countSince(long since) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM download_events WHERE occurred_at >= :since")
                .bind("since", since).mapTo(Long.class).one());
    }

    long countOfBuild(long buildId, String type) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM download_events WHERE build_id = :build AND download_type = :type""")
                .bind("build", buildId).bind("type", type).mapTo(Long.class).one());
    }

    /** Counts per day of {@code dayMs} and type since {@code since}, of the builds the filter covers. */
    List<DownloadCounter.DayCount> dailyCounts(DownloadCounter.StatsFilter filter, long since, long dayMs) {
        return jdbi.withHandle(h -> bindFilter(h.createQuery("""
                        SELECT e.occurred_at / %d AS day, e.download_type, COUNT(*) AS n
                        FROM download_events e JOIN builds b ON b.id = e.build_id
                        WHERE e.occurred_at >= :since AND %s
                        GROUP BY e.occurred_at / %d, e.download_type""".formatted(dayMs, where(filter), dayMs)), filter)
                .bind("since", since)
                .map((rs, ctx) -> new DownloadCounter.DayCount(rs.getLong("day"), rs.getString("download_type"), rs.getLong("n")))
                .list());
    }

    List<DownloadCounter.TopBuild> top(DownloadCounter.StatsFilter filter, long since, int limit) {
        return jdbi.withHandle(h -> bindFilter(h.createQuery("""
                        SELECT b.id, b.file_name,
                            SUM(CASE WHEN e.download_type = 'update' THEN 0 ELSE 1 END) AS downloads,
                            SUM(CASE WHEN e.download_type = 'update' THEN 1 ELSE 0 END) AS updates
                        FROM download_events e JOIN builds b ON b.id = e.build_id
                        WHERE e.occurred_at >= :since AND %s
                        GROUP BY b.id, b.file_name ORDER BY COUNT(*) DESC, b.id DESC LIMIT :limit""".formatted(where(filter))),
                        filter)
                .bind("since", since).bind("limit", limit)
                .map((rs, ctx) -> new DownloadCounter.TopBuild(rs.getLong("id"), rs.getString("file_name"),
                        rs.getLong("downloads"), rs.getLong("updates"))).list());
    }

    private static String where(DownloadCounter.StatsFilter f) {
        List<String> any = new ArrayList<>();
        if (f.all()) {
            any.add("1 = 1");
        }
        if (!f.deviceIds().isEmpty()) {
            any.add("b.device_id IN (<devices>)");
        }
        if (!f.appIds().isEmpty()) {
            any.add("b.app_id IN (<apps>)");
        }
        String scope = any.isEmpty() ? "1 = 0" : "(" + String.join(" OR ", any) + ")";
        return f.buildId() == null ? scope : scope + " AND b.id = :build";
    }

    private static Query bindFilter(Query q, DownloadCounter.StatsFilter f) {
        if (!f.deviceIds().isEmpty()) {
            q.bindList("devices", List.copyOf(f.deviceIds()));
        }
        if (!f.appIds().isEmpty()) {
            q.bindList("apps", List.copyOf(f.appIds()));
        }
        if (f.buildId() != null) {
            q.bind("build", f.buildId());
        }
        return q;
    }
}
