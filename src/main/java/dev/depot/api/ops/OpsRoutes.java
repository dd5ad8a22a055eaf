package dev.depot.api.ops;

import dev.depot.api.Access;
import dev.depot.api.Routes;
import dev.depot.db.Database;
import dev.depot.storage.BlobStore;
import dev.depot.tuf.TufService;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Liveness, readiness and Prometheus metrics. Readiness is checked for each {@code GET /readyz}
 * and for each scrape, whose {@code depot_ready{check}} gauges say whether the database and the
 * blob store answered and took a write: a node Prometheus still reaches but that cannot work
 * (a full disk, an unwritable bucket, a database gone) is seen by alerts, not only by probes.
 */
public final class OpsRoutes {
    private final Database database;
    private final BlobStore blobs;
    private final PrometheusMeterRegistry metrics;
    private final Runnable beforeScrape;
    private final TufService tuf;
    private final AtomicInteger databaseReady = new AtomicInteger(1);
    private final AtomicInteger blobsReady = new AtomicInteger(1);

    public OpsRoutes(Database database, BlobStore blobs, PrometheusMeterRegistry metrics, Runnable beforeScrape, TufService tuf) {
        this.beforeScrape = beforeScrape;
        this.tuf = tuf;
        this.database = database;
        this.blobs = blobs;
        this.metrics = metrics;
        Gauge.builder("depot_ready", databaseReady, AtomicInteger::get).tag("check", "database")
                .description("1 when the last readiness check (each scrape, each GET /readyz) found it answering and writable, else 0")
                .register(metrics);
        Gauge.builder("depot_ready", blobsReady, AtomicInteger::get).tag("check", "blobs")
                .description("1 when the last readiness check (each scrape, each GET /readyz) found it answering and writable, else 0")
                .register(metrics);
    }

    public void register(Routes routes) {
        routes.get("/healthz", Access.PUBLIC, ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", Access.PUBLIC, this::ready);
        routes.get("/metrics", Access.PUBLIC, ctx -> {
            beforeScrape.run();
            check();
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
        });
    }

    private void ready(Context ctx) {
        Readiness r = check();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", r.ok() ? "ok" : "unavailable");
        out.put("database", switch (r.database()) {
            case OK -> "ok";
            case UNREACHABLE -> "unreachable";
            case NOT_WRITABLE -> "not writable";
        });
        out.put("blobs", r.blobs());
        if (r.database() == Database.Health.OK) {
            // a warning, not a failure: a node keeps serving while people re-sign or rotate
            tufWarning().ifPresent(w -> out.put("tuf", w));
        }
        ctx.status(r.ok() ? 200 : 503).json(out);
    }

    /** What the two checks found: the database's health, and "ok", "not writable" or "not answering" for the blobs. */
    private record Readiness(Database.Health database, String blobs) {
        boolean ok() {
            return database == Database.Health.OK && blobs.equals("ok");
        }
    }

    /**
     * Both checks at once, each bounded, so that the answer comes within {@link #READY_LIMIT}
     * whatever the backends do: a database or a bucket that does not answer is reported as such.
     */
    private Readiness check() {
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
        Readiness r = new Readiness(within(db, deadline, Database.Health.UNREACHABLE), within(store, deadline, "not answering"));
        databaseReady.set(r.database() == Database.Health.OK ? 1 : 0);
        blobsReady.set(r.blobs().equals("ok") ? 1 : 0);
        return r;
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
