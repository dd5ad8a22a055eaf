package dev.depot.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Numbered work asked of a background thread, and who waits for it: each ask gets the next number
 * (remembered for the thread that asked), the worker reports the highest number it has finished,
 * and a thread can wait until what it asked is finished ({@link #awaitOwn}) or until everything
 * asked so far is ({@link #awaitCurrent}), each for at most a given time.
 */
public final class Completions {
    private final ThreadLocal<long[]> asked = ThreadLocal.withInitial(() -> new long[1]);
    private long requested;
    private long done;

    /** A new ask: its number, remembered as this thread's. */
    public long ask() {
        long n;
        synchronized (this) {
            n = ++requested;
        }
        asked.get()[0] = n;
        return n;
    }

    /** The number of the last ask, by anyone. */
    public synchronized long asked() {
        return requested;
    }

    /** Whether everything up to {@code n} is finished. */
    public synchronized boolean finished(long n) {
        return done >= n;
    }

    /** Everything up to {@code n} is finished. */
    public synchronized void finish(long n) {
        done = Math.max(done, n);
        notifyAll();
    }

    /** Waits (at most {@code max}) until what this thread asked is finished; a thread that asked nothing does not wait. */
    public void awaitOwn(Duration max) {
        long[] mine = asked.get();
        long target = mine[0];
        mine[0] = 0;
        if (target > 0) {
            await(target, max);
        }
    }

    /** Waits (at most {@code max}) until everything asked so far is finished. */
    public void awaitCurrent(Duration max) {
        await(asked(), max);
    }

    private void await(long target, Duration max) {
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
}
