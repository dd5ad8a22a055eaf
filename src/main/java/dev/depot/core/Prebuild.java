package dev.depot.core;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that makes documents ahead of the requests for them (a repository's indexes
 * after a change, every repository's at start), in the order asked. A request that asked for some
 * (it published a change) may wait for them before it answers ({@link #awaitOwn}), so a client that
 * hears "done" fetches documents already made.
 */
public final class Prebuild implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("prebuild").factory());
    private final ThreadLocal<long[]> asked = ThreadLocal.withInitial(() -> new long[1]);
    private long requested;
    private long done;

    /** Runs {@code work} on the prebuild thread after what was asked before it. */
    public void execute(Runnable work) {
        long n;
        synchronized (this) {
            n = ++requested;
        }
        asked.get()[0] = n;
        try {
            thread.execute(() -> {
                try {
                    work.run();
                } finally {
                    synchronized (this) {
                        done = Math.max(done, n);
                        notifyAll();
                    }
                }
            });
        } catch (RejectedExecutionException closing) {
            synchronized (this) {
                done = Math.max(done, n);
                notifyAll();
            }
        }
    }

    /** Waits (at most {@code max}) until what this thread asked for is made; a thread that asked nothing does not wait. */
    public void awaitOwn(Duration max) {
        long[] mine = asked.get();
        long target = mine[0];
        mine[0] = 0;
        if (target == 0) {
            return;
        }
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (this) {
            while (done < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops: what is under way finishes, what waits is dropped. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
