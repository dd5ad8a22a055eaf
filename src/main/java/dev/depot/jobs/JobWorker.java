package dev.depot.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due jobs and runs them with their handler, a few at a time. Failures are retried with
 * exponential backoff (5 s, 10 s, 20 s, ... at most 10 min) up to {@code maxAttempts}; a
 * {@link PermanentJobFailure} or the last attempt gives up and tells the handler.
 */
public final class JobWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);
    private static final Duration LEASE = Duration.ofMinutes(10);

    private final JobQueue queue;
    private final Map<String, JobHandler> handlers;
    private final int maxAttempts;
    private final Duration baseDelay;
    private final Semaphore slots;
    private final Object wakeUp = new Object();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread loop;
    private volatile boolean running = true;

    private final MeterRegistry metrics;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong oldestWaitMillis = new AtomicLong();

    /**
     * Jobs are counted in {@code depot_jobs_total{kind, outcome}} (done, retried, failed); the
     * backlog in {@code depot_jobs_queued} and {@code depot_jobs_oldest_wait_seconds}, read from the
     * database by the worker every few seconds (a scrape never waits for the database).
     */
    public JobWorker(JobQueue queue, Map<String, JobHandler> handlers, int concurrency, int maxAttempts, Duration baseDelay,
                     MeterRegistry metrics) {
        this.metrics = metrics;
        Gauge.builder("depot.jobs.queued", queued, AtomicLong::get).description("jobs due and waiting to run").register(metrics);
        Gauge.builder("depot.jobs.oldest.wait", oldestWaitMillis, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("how long the job waiting longest has waited").register(metrics);
        this.queue = queue;
        this.handlers = Map.copyOf(handlers);
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
        this.slots = new Semaphore(concurrency);
        this.loop = Thread.ofPlatform().daemon().name("depot-jobs").unstarted(this::poll);
    }

    public JobWorker start() {
        loop.start();
        return this;
    }

    /** Asks the worker to look for jobs now rather than at its next poll. */
    public void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    private void poll() {
        long lastRequeue = 0;
        long lastBacklog = 0;
        while (running) {
            try {
                if (System.currentTimeMillis() - lastRequeue > 30_000) {
                    int back = queue.requeueExpiredLeases();
                    if (back > 0) {
                        log.info("{} job(s) whose worker went away are queued again", back);
                    }
                    lastRequeue = System.currentTimeMillis();
                }
                if (System.currentTimeMillis() - lastBacklog > 5_000) {
                    JobQueue.Backlog b = queue.backlog();
                    queued.set(b.queued());
                    oldestWaitMillis.set(b.oldestWaitMillis());
                    lastBacklog = System.currentTimeMillis();
                }
                slots.acquire();
                Optional<Job> job;
                try {
                    job = queue.claim(LEASE);
                } catch (RuntimeException e) {
                    slots.release();
                    throw e;
                }
                if (job.isPresent()) {
                    executor.submit(() -> {
                        try {
                            run(job.get());
                        } finally {
                            slots.release();
                        }
                    });
                    continue;
                }
                slots.release();
                synchronized (wakeUp) {
                    wakeUp.wait(500);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("job polling failed: {}", e.toString());
                    sleepQuietly(1000);
                }
            }
        }
    }

    private void run(Job job) {
        JobHandler handler = handlers.get(job.kind());
        if (handler == null) {
            log.warn("job {} ({}) has no handler on this node", job.id(), job.kind());
            queue.fail(job.id(), "no handler for job kind " + job.kind());
            counted(job, "failed");
            return;
        }
        long started = System.nanoTime();
        log.info("job {} ({} {}) runs, attempt {}", job.id(), job.kind(), job.payload(), job.attempts());
        try {
            handler.run(job);
            queue.complete(job.id());
            counted(job, "done");
            log.info("job {} ({}) done in {} ms", job.id(), job.kind(), (System.nanoTime() - started) / 1_000_000);
        } catch (PermanentJobFailure e) {
            giveUp(job, handler, e.getMessage());
        } catch (Exception | StackOverflowError e) {
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            if (job.attempts() >= maxAttempts) {
                giveUp(job, handler, error);
            } else {
                long factor = 1L << Math.min(20, job.attempts() - 1);
                Duration delay = baseDelay.multipliedBy(factor);
                if (delay.compareTo(Duration.ofMinutes(10)) > 0) {
                    delay = Duration.ofMinutes(10);
                }
                log.info("job {} ({}) failed on attempt {}, retrying in {}: {}", job.id(), job.kind(), job.attempts(),
                        delay, error);
                queue.retryLater(job.id(), error, delay);
                counted(job, "retried");
            }
        }
    }

    private void counted(Job job, String outcome) {
        Counter.builder("depot.jobs").description("jobs run, by kind and outcome").tag("kind", job.kind())
                .tag("outcome", outcome).register(metrics).increment();
    }

    private void giveUp(Job job, JobHandler handler, String error) {
        log.warn("job {} ({}) gave up after {} attempt(s): {}", job.id(), job.kind(), job.attempts(), error);
        queue.fail(job.id(), error);
        counted(job, "failed");
        try {
            handler.onGiveUp(job, error);
        } catch (RuntimeException e) {
            log.warn("job {} give-up handler failed: {}", job.id(), e.toString());
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
