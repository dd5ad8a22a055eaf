package dev.depot.core;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one thread that makes documents ahead of the requests for them (a repository's indexes
 * after a change, every repository's at start), in the order asked. A request that asked for some
 * (it published a change) may wait for them before it answers ({@link #awaitOwn}), so a client that
 * hears "done" fetches documents already made.
 */
public final class Prebuild implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("prebuild").factory());
    private final ScheduledExecutorService looks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("prebuild-looks").factory());
    private final Completions completions = new Completions();

    /** Runs {@code work} on the prebuild thread after what was asked before it. */
    public void execute(Runnable work) {
        long n = completions.ask();
        try {
            thread.execute(() -> {
                try {
                    work.run();
                } finally {
                    completions.finish(n);
                }
            });
        } catch (RejectedExecutionException closing) {
            completions.finish(n);
        }
    }

    /**
     * Runs {@code look} on the prebuild thread every {@code period}, after what was asked before it;
     * a look still waiting there is not asked for again.
     */
    public void every(Duration period, Runnable look) {
        AtomicBoolean waiting = new AtomicBoolean();
        try {
            looks.scheduleWithFixedDelay(() -> {
                if (waiting.compareAndSet(false, true)) {
                    execute(() -> {
                        waiting.set(false);
                        look.run();
                    });
                }
            }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // stopping: nothing more to look for
        }
    }

    /** Waits (at most {@code max}) until what this thread asked for is made; a thread that asked nothing does not wait. */
    public void awaitOwn(Duration max) {
        completions.awaitOwn(max);
    }

    /** Stops: what is under way finishes, what waits is dropped. */
    @Override
    public void close() {
        looks.shutdownNow();
        thread.shutdownNow();
    }
}
