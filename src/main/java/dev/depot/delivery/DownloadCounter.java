package dev.depot.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts downloads as events (build, type, time), so any period can be counted later.
 *
 * <p>A download costs no database write on its request: events wait in memory and are written in
 * one batch every {@code flushInterval} (and on {@link #close()}), so a crash loses at most that
 * interval's counts. Reads flush first, so a node always sees its own downloads; other nodes see
 * them after their next flush. When the database refuses a batch the events are kept and retried,
 * up to {@link #MAX_PENDING}; beyond that new events are dropped and counted in
 * {@code depot.downloads.dropped}.
 */
public final class DownloadCounter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DownloadCounter.class);
    static final int MAX_PENDING = 1_000_000;
    private static final int BATCH = 5_000;

    private record Event(long buildId, String type, long at) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final Object pendingLock = new Object();
    private final Object flushLock = new Object();
    private ArrayList<Event> pending = new ArrayList<>();
    private final ScheduledExecutorService flusher;
    private final Counter dropped;
    private final Counter failedFlushes;

    public DownloadCounter(Jdbi jdbi, Clock clock, Duration flushInterval, MeterRegistry metrics) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.dropped = Counter.builder("depot.downloads.dropped")
                .description("download events dropped because the database refused them for too long").register(metrics);
        this.failedFlushes = Counter.builder("depot.downloads.flush.failures")
                .description("batches of download events the database refused (kept and retried)").register(metrics);
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "download-counter");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, flushInterval.toMillis());
        flusher.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    public void countDownload(long buildId, DownloadType type) {
        Event e = new Event(buildId, type.wireName(), clock.millis());
        synchronized (pendingLock) {
            if (pending.size() >= MAX_PENDING) {
                dropped.increment();
                return;
            }
            pending.add(e);
        }
    }

    /** Writes the waiting events; on failure they wait for the next flush. */
    public void flush() {
        synchronized (flushLock) {
            List<Event> batch;
            synchronized (pendingLock) {
                if (pending.isEmpty()) {
                    return;
                }
                batch = pending;
                pending = new ArrayList<>();
            }
            try {
                write(batch);
            } catch (RuntimeException e) {
                failedFlushes.increment();
                synchronized (pendingLock) {
                    int room = Math.max(0, MAX_PENDING - pending.size());
                    List<Event> kept = batch.size() > room ? batch.subList(0, room) : batch;
                    dropped.increment(batch.size() - kept.size());
                    kept.addAll(pending);
                    pending = new ArrayList<>(kept);
                }
                throw e;
            }
        }
    }

    private void write(List<Event> events) {
        jdbi.useTransaction(h -> {
            for (int from = 0; from < events.size(); from += BATCH) {
                PreparedBatch b = h.prepareBatch("INSERT INTO download_events (build_id, download_type, occurred_at) "
                        + "VALUES (:b, :t, :at)");
                for (Event e : events.subList(from, Math.min(events.size(), from + BATCH))) {
                    b.bind("b", e.buildId()).bind("t", e.type()).bind("at", e.at()).add();
                }
                b.execute();
            }
        });
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("could not write download counts (kept for the next try): {}", e.toString());
        }
    }

    /** Downloads in the last {@code period}, or all time when it is null. */
    public long countSince(Duration period) {
        flushQuietly();
        long since = period == null ? Long.MIN_VALUE : clock.millis() - period.toMillis();
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM download_events WHERE occurred_at >= :s")
                .bind("s", since).mapTo(Long.class).one());
    }

    public long countOfBuild(long buildId, DownloadType type) {
        flushQuietly();
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM download_events WHERE build_id = :b "
                        + "AND download_type = :t")
                .bind("b", buildId).bind("t", type.wireName()).mapTo(Long.class).one());
    }

    /** Stops the timer and writes what is waiting. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flush();
        } catch (RuntimeException e) {
            int lost;
            synchronized (pendingLock) {
                lost = pending.size();
            }
            log.error("{} download counts could not be written at shutdown: {}", lost, e.toString());
        }
    }
}
