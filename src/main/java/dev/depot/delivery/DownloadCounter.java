package dev.depot.delivery;

import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/** Counts downloads as events (build, type, time), so any period can be counted later. */
public final class DownloadCounter {
    private final Jdbi jdbi;
    private final Clock clock;

    public DownloadCounter(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public void countDownload(long buildId, DownloadType type) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO download_events (build_id, download_type, occurred_at) "
                        + "VALUES (:b, :t, :now)")
                .bind("b", buildId).bind("t", type.wireName()).bind("now", clock.millis()).execute());
    }

    /** Downloads in the last {@code period}, or all time when it is null. */
    public long countSince(Duration period) {
        long since = period == null ? Long.MIN_VALUE : clock.millis() - period.toMillis();
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM download_events WHERE occurred_at >= :s")
                .bind("s", since).mapTo(Long.class).one());
    }

    public long countOfBuild(long buildId, DownloadType type) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM download_events WHERE build_id = :b "
                        + "AND download_type = :t")
                .bind("b", buildId).bind("t", type.wireName()).mapTo(Long.class).one());
    }
}
