package dev.depot.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    /** One counted download, waiting to be written. */
    record Event(long buildId, String type, long at) {}

    private final DownloadRepository repository;
    private final Clock clock;
    private final Object pendingLock = new Object();
    private final Object flushLock = new Object();
    private ArrayList<Event> pending = new ArrayList<>();
    private final ScheduledExecutorService flusher;
    private final Counter dropped;
    private final Counter failedFlushes;

    public DownloadCounter(DownloadRepository repository, Clock clock, Duration flushInterval, MeterRegistry metrics) {
        this.repository = repository;
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
                repository.write(batch);
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
        return repository.countSince(since);
    }

    public long countOfBuild(long buildId, DownloadType type) {
        flushQuietly();
        return repository.countOfBuild(buildId, type.wireName());
    }

    /** What a statistics query covers: every build, or the builds of these devices and these apps. */
    public record StatsFilter(boolean all, Collection<Long> deviceIds, Collection<Long> appIds, Long buildId) {
        public static StatsFilter everything() {
            return new StatsFilter(true, List.of(), List.of(), null);
        }

        /** The same builds, narrowed to one. */
        public StatsFilter build(long id) {
            return new StatsFilter(all, deviceIds, appIds, id);
        }
    }

    /** How many downloads of one type were counted on one day (days since the epoch, UTC). */
    record DayCount(long day, String type, long count) {}

    /** Downloads and updates counted on one day (UTC). */
    public record Day(LocalDate day, long downloads, long updates) {}

    /** A build among the most fetched. */
    public record TopBuild(long buildId, String fileName, long downloads, long updates) {}

    /** Each of the last {@code days} days (UTC, today included, oldest first), with days without any as zero. */
    public List<Day> daily(StatsFilter filter, int days) {
        flushQuietly();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate first = today.minusDays(days - 1L);
        Map<Long, long[]> counts = new HashMap<>();
        for (DayCount r : repository.dailyCounts(filter, first.toEpochDay())) {
            counts.computeIfAbsent(r.day(), d -> new long[2])[DownloadType.UPDATE.wireName().equals(r.type()) ? 1 : 0] += r.count();
        }
        List<Day> out = new ArrayList<>(days);
        for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            long[] c = counts.getOrDefault(d.toEpochDay(), new long[2]);
            out.add(new Day(d, c[0], c[1]));
        }
        return out;
    }

    /** The builds fetched most in the last {@code days} days, most first. */
    public List<TopBuild> top(StatsFilter filter, int days, int limit) {
        flushQuietly();
        return repository.top(filter, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(days - 1L).toEpochDay(), limit);
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
