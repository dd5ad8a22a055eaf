package dev.depot.jobs;

import java.time.Duration;
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

    public JobWorker(JobQueue queue, Map<String, JobHandler> handlers, int concurrency, int maxAttempts, Duration baseDelay) {
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
        while (running) {
            try {
                if (System.currentTimeMillis() - lastRequeue > 30_000) {
                    queue.requeueExpiredLeases();
                    lastRequeue = System.currentTimeMillis();
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
            queue.fail(job.id(), "no handler for job kind " + job.kind());
            return;
        }
        try {
            handler.run(job);
            queue.complete(job.id());
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
            }
        }
    }

    private void giveUp(Job job, JobHandler handler, String error) {
        log.warn("job {} ({}) gave up after {} attempt(s): {}", job.id(), job.kind(), job.attempts(), error);
        queue.fail(job.id(), error);
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
