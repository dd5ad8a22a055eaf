package dev.depot.inspect;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an inspection of an untrusted file on a thread of its own, away from the caller's (a
 * request or a job), and gives up on it after a time limit: a file made to keep a parser busy
 * costs at most that long. Build inspection and sample intake both inspect through one.
 */
public final class TimeLimit {
    private final Duration limit;
    private final ExecutorService inspectors = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "depot-inspect");
        t.setDaemon(true);
        return t;
    });

    public TimeLimit(Duration limit) {
        this.limit = limit;
    }

    public Duration limit() { return limit; }

    /** The inspection ran past the limit and was abandoned (its thread interrupted). */
    public static final class Exceeded extends Exception {
        Exceeded(Duration limit, Throwable cause) {
            super("inspection took longer than " + limit.toMillis() + " ms", cause);
        }
    }

    public <T> T run(Callable<T> inspection) throws InspectionException, IOException, Exceeded, InterruptedException {
        Future<T> f = inspectors.submit(inspection);
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new Exceeded(limit, e);
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InspectionException ie) {
                throw ie;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }
}
