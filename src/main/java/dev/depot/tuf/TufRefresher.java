package dev.depot.tuf;

import dev.depot.core.Completions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs new metadata soon after this node changes what is published, on one background thread: a
 * burst of changes is one refresh. A reader that must see this node's last change first
 * ({@link #awaitCurrent}) waits for the refresh under way. Changes made on other nodes are signed
 * by those nodes; the periodic check catches what a crash between a commit and its refresh left.
 */
public final class TufRefresher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TufRefresher.class);
    private final TufService service;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tuf-refresh");
        t.setDaemon(true);
        return t;
    });
    private final Completions completions = new Completions();

    public TufRefresher(TufService service) {
        this.service = service;
    }

    /** Asks for a refresh after a change this node committed. */
    public void request() {
        completions.ask();
        try {
            executor.execute(this::run);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the next start's check signs it
        }
    }

    private void run() {
        long target = completions.asked();
        if (completions.finished(target)) {
            return;
        }
        try {
            TufService.Refresh r = service.refresh(true);
            if (r.changed()) {
                log.info("TUF metadata signed: {}", String.join(", ", r.signed()));
            }
        } catch (RuntimeException e) {
            log.warn("TUF refresh failed (the periodic check tries again): {}", e.toString());
        } finally {
            completions.finish(target);
        }
    }

    /** Waits (at most {@code max}) until every change requested so far has been refreshed. */
    public void awaitCurrent(Duration max) {
        completions.awaitCurrent(max);
    }

    /**
     * Waits (at most {@code max}) until the changes this thread asked to be signed are, so that the
     * answer to a request that changed what is published leaves only once it is signed; a request
     * that changed nothing does not wait for others' changes.
     */
    public void awaitOwn(Duration max) {
        completions.awaitOwn(max);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
