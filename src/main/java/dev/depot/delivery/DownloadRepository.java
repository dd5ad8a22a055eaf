package dev.depot.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * SQL for {@code download_events}, {@code download_days} and {@code download_hours}: counted
 * downloads are written in batches, each with its per-build, per-day counts and its per-hour totals
 * in the same transaction; charts read the days (a row per build and day, whatever the history),
 * period counts the hours and only the events of the one hour a period starts in.
 */
public final class DownloadRepository {
    private static final int BATCH = 5_000;
    static final long DAY_MS = 86_400_000L;
    static final long HOUR_MS = 3_600_000L;

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
            Map<DayKey, Long> days = new TreeMap<>();
            for (DownloadCounter.Event e : events) {
                days.merge(new DayKey(e.buildId(), Math.floorDiv(e.at(), DAY_MS), e.type()), 1L, Long::sum);
            }
            PreparedBatch b = h.prepareBatch("""
                    INSERT INTO download_days (build_id, day, download_type, n) VALUES (:build, :day, :type, :n)
                    ON CONFLICT (build_id, day, download_type) DO UPDATE SET n = download_days.n + excluded.n""");
            for (Map.Entry<DayKey, Long> d : days.entrySet()) {
                b.bind("build", d.getKey().buildId()).bind("day", d.getKey().day()).bind("type", d.getKey().type())
                        .bind("n", d.getValue()).add();
            }
            if (!days.isEmpty()) {
                b.execute();
            }
            Map<String, Long> hours = new TreeMap<>();
            for (DownloadCounter.Event e : events) {
                hours.merge(String.format("%020d/%s", Math.floorDiv(e.at(), HOUR_MS), e.type()), 1L, Long::sum);
            }
            PreparedBatch hb = h.prepareBatch("""
                    INSERT INTO download_hours (hour, download_type, n) VALUES (:hour, :type, :n)
                    ON CONFLICT (hour, download_type) DO UPDATE SET n = download_hours.n + excluded.n""");
            for (Map.Entry<String, Long> e : hours.entrySet()) {
                int slash = e.getKey().indexOf('/');
                hb.bind("hour", Long.parseLong(e.getKey().substring(0, slash))).bind("type", e.getKey().substring(slash + 1))
                        .bind("n", e.getValue()).add();
            }
            if (!hours.isEmpty()) {
                hb.execute();
            }
        });
    }

    /** One row of {@code download_days}; sorted, so concurrent writers lock rows in one order. */
    private record DayKey(long buildId, long day, String type) implements Comparable<DayKey> {
        @Override
        public int compareTo(DayKey o) {
            int c = Long.compare(buildId, o.buildId);
            if (c == 0) {
                c = Long.compare(day, o.day);
            }
            return c != 0 ? c : type.compareTo(o.type);
        }
    }

    /**
     * Downloads counted since {@code since} (a millisecond time; {@code Long.MIN_VALUE}: all):
     * whole hours from {@code download_hours}, and the events of the hour {@code since} falls in
     * from {@code download_events}, so the count is exact at any instant and reads at most an
     * hour of events.
     */
    long countSince(long since) {
        return jdbi.withHandle(h -> {
            if (since == Long.MIN_VALUE) {
                return h.createQuery("SELECT COALESCE(SUM(n), 0) FROM download_days").mapTo(Long.class).one();
            }
            long firstWholeHour = Math.floorDiv(since, HOUR_MS) + (Math.floorMod(since, HOUR_MS) == 0 ? 0 : 1);
            long hours = h.createQuery("SELECT COALESCE(SUM(n), 0) FROM download_hours WHERE hour >= :hour")
                    .bind("hour", firstWholeHour).mapTo(Long.class).one();
            long partial = h.createQuery("SELECT COUNT(*) FROM download_events WHERE occurred_at >= :since AND occurred_at < :end")
                    .bind("since", since).bind("end", firstWholeHour * HOUR_MS).mapTo(Long.class).one();
            return hours + partial;
        });
    }

    long countOfBuild(long buildId, String type) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COALESCE(SUM(n), 0) FROM download_days WHERE build_id = :build AND download_type = :type""")
                .bind("build", buildId).bind("type", type).mapTo(Long.class).one());
    }

    /** Counts per day and type from day {@code :since} on; {@code %s} is the filter on builds {@code b}. */
    static final String DAILY = """
            SELECT e.day, e.download_type, SUM(e.n) AS n
            FROM download_days e JOIN builds b ON b.id = e.build_id
            WHERE e.day >= :since AND %s
            GROUP BY e.day, e.download_type""";

    /** The builds fetched most from day {@code :since} on; {@code %s} is the filter on builds {@code b}. */
    static final String TOP = """
            SELECT b.id, b.file_name,
                SUM(CASE WHEN e.download_type = 'update' THEN 0 ELSE e.n END) AS downloads,
                SUM(CASE WHEN e.download_type = 'update' THEN e.n ELSE 0 END) AS updates
            FROM download_days e JOIN builds b ON b.id = e.build_id
            WHERE e.day >= :since AND %s
            GROUP BY b.id, b.file_name ORDER BY SUM(e.n) DESC, b.id DESC LIMIT :limit""";

    /** Counts per day and type from day {@code sinceDay} on, of the builds the filter covers. */
    List<DownloadCounter.DayCount> dailyCounts(DownloadCounter.StatsFilter filter, long sinceDay) {
        return jdbi.withHandle(h -> bindFilter(h.createQuery(DAILY.formatted(where(filter))), filter)
                .bind("since", sinceDay)
                .map((rs, ctx) -> new DownloadCounter.DayCount(rs.getLong("day"), rs.getString("download_type"), rs.getLong("n")))
                .list());
    }

    /** The builds the filter covers fetched most from day {@code sinceDay} on. */
    List<DownloadCounter.TopBuild> top(DownloadCounter.StatsFilter filter, long sinceDay, int limit) {
        return jdbi.withHandle(h -> bindFilter(h.createQuery(TOP.formatted(where(filter))), filter)
                .bind("since", sinceDay).bind("limit", limit)
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
