package dev.depot.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs periodic housekeeping on one background thread, once per period across every node sharing
 * the database. Each node looks every quarter period; the first to move the task's
 * {@code next_run_at} forward (one conditional UPDATE, atomic on SQLite and PostgreSQL) runs it,
 * the others skip. While any node is up a task runs at most once and at least about every 1.25
 * periods. A failing run is logged and the next one still happens.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private final Jdbi jdbi;
    private final Clock clock;
    private final String node;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "depot-scheduler");
        t.setDaemon(true);
        return t;
    });

    public Scheduler(Jdbi jdbi, Clock clock, String node) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.node = node;
    }

    public void every(String name, Duration period, Runnable task) {
        long ms = Math.max(1000, period.toMillis());
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO schedule_runs (name, next_run_at) VALUES (:n, :at) "
                + "ON CONFLICT (name) DO NOTHING").bind("n", name).bind("at", clock.millis() + ms).execute());
        long look = Math.max(250, ms / 4);
        executor.scheduleWithFixedDelay(() -> {
            try {
                if (claim(name, ms)) {
                    task.run();
                }
            } catch (RuntimeException e) {
                log.warn("scheduled task {} failed: {}", name, e.toString());
            }
        }, look, look, TimeUnit.MILLISECONDS);
    }

    /** True when this node won the task's current period. */
    boolean claim(String name, long periodMs) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("UPDATE schedule_runs SET next_run_at = :next, last_node = :node, "
                        + "last_started_at = :now WHERE name = :n AND next_run_at <= :now")
                .bind("next", now + periodMs).bind("node", node).bind("now", now).bind("n", name).execute()) == 1;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
