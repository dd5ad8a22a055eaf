package dev.depot.jobs;

import dev.depot.db.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A persistent job queue in the database. Jobs survive restarts; a job is claimed by moving it to
 * {@code running} with a lease, so a worker that dies mid-job loses the lease and the job runs
 * again. On PostgreSQL the claim skips rows other nodes are claiming ({@code FOR UPDATE SKIP
 * LOCKED}); on SQLite the single writer serializes claims.
 */
public final class JobQueue {
    private final Jdbi jdbi;
    private final Clock clock;
    private final String claimSql;
    private final List<Runnable> queued = new CopyOnWriteArrayList<>();

    public JobQueue(Jdbi jdbi, Dialect dialect, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        String lock = dialect.rowLockSkipLocked();
        this.claimSql = "UPDATE jobs SET state = 'running', attempts = attempts + 1, leased_until = :lease, "
                + "updated_at = :now WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= :now "
                + "ORDER BY run_at, id LIMIT 1" + lock + ") RETURNING id, kind, payload, attempts";
    }

    /** Called once a job is queued (after its transaction commits): a worker in this process starts on it at once. */
    public void onQueued(Runnable listener) {
        queued.add(listener);
    }

    public long enqueue(String kind, String payload) {
        long id = jdbi.withHandle(h -> insert(h, kind, payload));
        queued.forEach(Runnable::run);
        return id;
    }

    /** Queues a job in the caller's transaction, so that it exists exactly when what it works on does. */
    public long enqueue(Handle h, String kind, String payload) {
        long id = insert(h, kind, payload);
        if (h.isInTransaction()) {
            h.afterCommit(() -> queued.forEach(Runnable::run));
        } else {
            queued.forEach(Runnable::run);
        }
        return id;
    }

    private long insert(Handle h, String kind, String payload) {
        return h.createQuery("INSERT INTO jobs (kind, payload, state, run_at, created_at, updated_at) "
                        + "VALUES (:k, :p, 'queued', :now, :now, :now) RETURNING id")
                .bind("k", kind).bind("p", payload).bind("now", clock.millis()).mapTo(Long.class).one();
    }

    Optional<Job> claim(Duration lease) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> h.createQuery(claimSql).bind("now", now).bind("lease", now + lease.toMillis())
                .map((rs, ctx) -> new Job(rs.getLong("id"), rs.getString("kind"), rs.getString("payload"),
                        rs.getInt("attempts")))
                .findOne());
    }

    void complete(long id) {
        update("UPDATE jobs SET state = 'done', leased_until = NULL, updated_at = :now WHERE id = :id", id, null, 0);
    }

    void retryLater(long id, String error, Duration delay) {
        update("UPDATE jobs SET state = 'queued', leased_until = NULL, last_error = :e, run_at = :at, updated_at = :now "
                + "WHERE id = :id", id, error, clock.millis() + delay.toMillis());
    }

    void fail(long id, String error) {
        update("UPDATE jobs SET state = 'failed', leased_until = NULL, last_error = :e, updated_at = :now WHERE id = :id",
                id, error, 0);
    }

    /** Puts jobs whose lease ran out back in line; returns how many. */
    int requeueExpiredLeases() {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET state = 'queued', leased_until = NULL, "
                        + "updated_at = :now WHERE state = 'running' AND leased_until < :now")
                .bind("now", now).execute());
    }

    /** How many jobs wait to run, and how long the one waiting longest has waited (ms; 0 when none waits). */
    public record Backlog(long queued, long oldestWaitMillis) {}

    public Backlog backlog() {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*), MIN(run_at) FROM jobs WHERE state = 'queued' "
                        + "AND run_at <= :now")
                .bind("now", now).map((rs, ctx) -> {
                    long n = rs.getLong(1);
                    long oldest = rs.getLong(2);
                    return new Backlog(n, n == 0 || rs.wasNull() ? 0 : Math.max(0, now - oldest));
                }).one());
    }

    /** The state of a job, for tests and status pages. */
    public Optional<String> state(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT state FROM jobs WHERE id = :id").bind("id", id)
                .mapTo(String.class).findOne());
    }

    /** Removes finished jobs older than {@code age}. */
    public int purgeFinished(Duration age) {
        long before = clock.millis() - age.toMillis();
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM jobs WHERE state IN ('done', 'failed') AND updated_at < :b")
                .bind("b", before).execute());
    }

    private void update(String sql, long id, String error, long at) {
        jdbi.useHandle(h -> h.createUpdate(sql).bind("id", id).bind("e", error == null ? null : truncate(error))
                .bind("at", at).bind("now", clock.millis()).execute());
    }

    private static String truncate(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) : s;
    }
}
