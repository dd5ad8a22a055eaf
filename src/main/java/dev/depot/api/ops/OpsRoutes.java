package dev.depot.api.ops;

import dev.depot.api.Access;
import dev.depot.api.Routes;
import dev.depot.db.Database;
import dev.depot.storage.BlobStore;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** Liveness, readiness and Prometheus metrics. */
public final class OpsRoutes {
    private final Database database;
    private final BlobStore blobs;
    private final PrometheusMeterRegistry metrics;

    public OpsRoutes(Database database, BlobStore blobs, PrometheusMeterRegistry metrics) {
        this.database = database;
        this.blobs = blobs;
        this.metrics = metrics;
    }

    public void register(Routes routes) {
        routes.get("/healthz", Access.PUBLIC, ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", Access.PUBLIC, this::ready);
        routes.get("/metrics", Access.PUBLIC, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()));
    }

    private void ready(Context ctx) {
        boolean db = database.isReachable();
        boolean store;
        try {
            blobs.checkWritable();
            store = true;
        } catch (Exception e) {
            store = false;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", db && store ? "ok" : "unavailable");
        out.put("database", db ? "ok" : "unreachable");
        out.put("blobs", store ? "ok" : "not writable");
        ctx.status(db && store ? 200 : 503).json(out);
    }
}
