package dev.depot.api.ops;

import dev.depot.api.Access;
import dev.depot.api.Routes;
import dev.depot.db.Database;
import dev.depot.storage.BlobStore;
import dev.depot.tuf.TufService;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Liveness, readiness and Prometheus metrics. */
public final class OpsRoutes {
    private final Database database;
    private final BlobStore blobs;
    private final PrometheusMeterRegistry metrics;
    private final Runnable beforeScrape;
    private final TufService tuf;

    public OpsRoutes(Database database, BlobStore blobs, PrometheusMeterRegistry metrics, Runnable beforeScrape, TufService tuf) {
        this.beforeScrape = beforeScrape;
        this.tuf = tuf;
        this.database = database;
        this.blobs = blobs;
        this.metrics = metrics;
    }

    public void register(Routes routes) {
        routes.get("/healthz", Access.PUBLIC, ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", Access.PUBLIC, this::ready);
        routes.get("/metrics", Access.PUBLIC, ctx -> {
            beforeScrape.run();
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
        });
    }

    /**
     * Both checks at once, each bounded, so that the answer comes within {@link #READY_LIMIT}
     * whatever the backends do: a database or a bucket that does not answer is reported as such.
     */
    private void ready(Context ctx) {
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        CompletableFuture<Database.Health> db = CompletableFuture.supplyAsync(() -> database.check(READY_LIMIT.minusMillis(100)), CHECKS);
        CompletableFuture<String> store = CompletableFuture.supplyAsync(() -> {
            try {
                blobs.checkWritable();
                return "ok";
            } catch (Exception e) {
                return "not writable";
            }
        }, CHECKS);
        Database.Health dbHealth = within(db, deadline, Database.Health.UNREACHABLE);
        String blobHealth = within(store, deadline, "not answering");
        boolean ok = dbHealth == Database.Health.OK && blobHealth.equals("ok");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", ok ? "ok" : "unavailable");
        out.put("database", switch (dbHealth) {
            case OK -> "ok";
            case UNREACHABLE -> "unreachable";
            case NOT_WRITABLE -> "not writable";
        });
        out.put("blobs", blobHealth);
        if (dbHealth == Database.Health.OK) {
            // a warning, not a failure: a node keeps serving while people re-sign or rotate
            tufWarning().ifPresent(w -> out.put("tuf", w));
        }
        ctx.status(ok ? 200 : 503).json(out);
    }

    private Optional<String> tufWarning() {
        try {
            if (!tuf.initialized()) {
                return Optional.empty();
            }
            List<TufService.RoleStatus> near = tuf.nearExpiry();
            if (near.isEmpty()) {
                return Optional.of("ok");
            }
            return Optional.of("expires soon: " + String.join(", ", near.stream()
                    .map(s -> s.role() + " v" + s.version() + " at " + s.expires()).toList()));
        } catch (RuntimeException e) {
            return Optional.of("unknown: " + e.getMessage());
        }
    }



    private static <T> T within(CompletableFuture<T> check, long deadlineNanos, T otherwise) {
        try {
            return check.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return otherwise;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return otherwise;
        }
    }

    private static final Duration READY_LIMIT = Duration.ofMillis(1800);
    private static final ExecutorService CHECKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "readiness-check");
        t.setDaemon(true);
        return t;
    });
}
