package dev.depot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.db.Database;
import dev.depot.support.Backend;
import dev.depot.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The persistent job queue and its worker, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Backend.class)
class JobQueueTest {
    @Parameter
    Backend backend;
    Path dir;
    String url;
    Database db;
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    JobQueue queue;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("depot-jobs");
        url = backend.newDatabaseUrl(dir);
        db = Database.open(url, "", "", 10);
        queue = new JobQueue(db.jdbi(), db.dialect(), clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aQueuedJobIsClaimedOnceAndCompleted() {
        long id = queue.enqueue("k", "p");

        Optional<Job> job = queue.claim(Duration.ofMinutes(1));

        assertThat(job).isPresent();
        assertThat(job.get().payload()).isEqualTo("p");
        assertThat(job.get().attempts()).isEqualTo(1);
        assertThat(queue.claim(Duration.ofMinutes(1))).isEmpty();
        queue.complete(id);
        assertThat(queue.state(id)).contains("done");
    }

    @Test
    void jobsSurviveAReopenOfTheDatabase() throws Exception {
        long id = queue.enqueue("k", "survivor");
        db.close();
        db = Database.open(url, "", "", 10);
        queue = new JobQueue(db.jdbi(), db.dialect(), clock);

        assertThat(queue.claim(Duration.ofMinutes(1))).map(Job::id).contains(id);
    }

    @Test
    void aLostLeaseSendsTheJobBackInLine() {
        long id = queue.enqueue("k", "p");
        queue.claim(Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(11));

        assertThat(queue.requeueExpiredLeases()).isEqualTo(1);
        Optional<Job> again = queue.claim(Duration.ofMinutes(10));
        assertThat(again).map(Job::id).contains(id);
        assertThat(again.get().attempts()).isEqualTo(2);
    }

    @Test
    void aRetryWaitsForItsTime() {
        long id = queue.enqueue("k", "p");
        queue.claim(Duration.ofMinutes(1));
        queue.retryLater(id, "boom", Duration.ofSeconds(30));

        assertThat(queue.claim(Duration.ofMinutes(1))).isEmpty();
        clock.advance(Duration.ofSeconds(31));
        assertThat(queue.claim(Duration.ofMinutes(1))).map(Job::id).contains(id);
    }

    @Test
    void concurrentClaimersNeverShareAJob() throws Exception {
        for (int i = 0; i < 200; i++) {
            queue.enqueue("k", Integer.toString(i));
        }
        List<String> claimed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                all.add(pool.submit(() -> {
                    Optional<Job> j;
                    while ((j = queue.claim(Duration.ofMinutes(1))).isPresent()) {
                        claimed.add(j.get().payload());
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(claimed).hasSize(200).doesNotHaveDuplicates();
    }

    @Test
    void theWorkerRetriesWithBackoffThenGivesUp() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        List<String> gaveUp = new CopyOnWriteArrayList<>();
        JobHandler flaky = new JobHandler() {
            @Override
            public void run(Job job) throws Exception {
                runs.incrementAndGet();
                throw new java.io.IOException("disk hiccup " + job.attempts());
            }

            @Override
            public void onGiveUp(Job job, String error) {
                gaveUp.add(error);
            }
        };
        var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (JobWorker worker = new JobWorker(queue, Map.of("flaky", flaky), 1, 3, Duration.ofSeconds(5), metrics).start()) {
            long id = queue.enqueue("flaky", "x");
            worker.wake();
            await(() -> runs.get() == 1 && queue.state(id).orElse("").equals("queued"));
            clock.advance(Duration.ofSeconds(5)); // first retry after 5 s
            worker.wake();
            await(() -> runs.get() == 2 && queue.state(id).orElse("").equals("queued"));
            clock.advance(Duration.ofSeconds(9)); // the second waits 10 s: not yet
            worker.wake();
            Thread.sleep(300);
            assertThat(runs.get()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(2));
            worker.wake();
            await(() -> gaveUp.size() == 1);
            assertThat(runs.get()).isEqualTo(3);
            assertThat(gaveUp.getFirst()).isEqualTo("disk hiccup 3");
            assertThat(queue.state(id)).contains("failed");
            assertThat(metrics.counter("depot.jobs", "kind", "flaky", "outcome", "retried").count()).isEqualTo(2);
            assertThat(metrics.counter("depot.jobs", "kind", "flaky", "outcome", "failed").count()).isEqualTo(1);
        }
    }

    /** What waits is visible: how many jobs are due, and how long the oldest has waited. */
    @Test
    void theBacklogCountsDueJobsAndTheOldestWait() {
        assertThat(queue.backlog()).isEqualTo(new JobQueue.Backlog(0, 0));
        queue.enqueue("waiting", "a");
        clock.advance(Duration.ofSeconds(90));
        queue.enqueue("waiting", "b");
        JobQueue.Backlog b = queue.backlog();
        assertThat(b.queued()).isEqualTo(2);
        assertThat(b.oldestWaitMillis()).isEqualTo(90_000);
    }

    @Test
    void aPermanentFailureGivesUpAtOnce() throws Exception {
        List<String> gaveUp = new CopyOnWriteArrayList<>();
        JobHandler broken = new JobHandler() {
            @Override
            public void run(Job job) throws Exception {
                throw new PermanentJobFailure("damaged file", null);
            }

            @Override
            public void onGiveUp(Job job, String error) {
                gaveUp.add(error);
            }
        };
        var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (JobWorker worker = new JobWorker(queue, Map.of("broken", broken), 1, 5, Duration.ofSeconds(5), metrics).start()) {
            queue.enqueue("broken", "x");
            worker.wake();
            await(() -> gaveUp.size() == 1);
            assertThat(gaveUp).containsExactly("damaged file");
            await(() -> metrics.counter("depot.jobs", "kind", "broken", "outcome", "failed").count() == 1);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
