package dev.depot.bench;

import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.feed.FeedPackageName;
import dev.depot.feed.FeedPackages;
import dev.depot.server.DepotServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Benchmark (not a test): building and serving a feed package of N samples (default 100,000) in
 * one 5-minute window, on the embedded default. Run with bench/feed-package.sh.
 */
public final class FeedPackageBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        var dir = Files.createTempDirectory("depot-bench-feed");
        Settings settings = Settings.defaults().with(Setting.DATA, dir.toString()).with(Setting.PORT, "0");
        try (DepotServer server = DepotServer.start(settings, Clock.systemUTC())) {
            var depot = server.depot();
            var user = depot.auth().createUser("analyst", "analyst-password", false);
            String token = depot.auth().createToken(user, "bench", java.util.EnumSet.of(Scope.FEED), null).secret();
            // two closed windows, filled directly (the receipts themselves are not what is measured): the
            // first is built to warm the JVM up, as a running server is, the second is timed
            FeedPackageName warmUp = FeedPackageName.lastClosed(System.currentTimeMillis() - 3 * FeedPackageName.HOUR);
            FeedPackageName name = FeedPackageName.lastClosed(System.currentTimeMillis() - 2 * FeedPackageName.HOUR);
            for (FeedPackageName w : java.util.List.of(warmUp, name)) {
                depot.database().jdbi().useTransaction(h -> {
                    var batch = h.prepareBatch("INSERT INTO feed_receipts (sha256, window_start, received_at, size) VALUES (:s, :w, :t, :n)");
                    for (int i = 0; i < n; i++) {
                        batch.bind("s", String.format("%064x", i * 7919L + w.start())).bind("w", w.start())
                                .bind("t", w.start() + i % 300_000).bind("n", 1000 + i).add();
                    }
                    batch.execute();
                });
            }
            FeedPackages feed = depot.feed().packages();
            feed.packageFor(warmUp);
            long t = System.nanoTime();
            FeedPackages.Package p = feed.packageFor(name);
            double buildMs = (System.nanoTime() - t) / 1e6;
            System.out.printf("built and sealed a package of %d samples in %.0f ms (%d bytes zipped; a first package "
                    + "of as many, built before to warm the JVM up, is not counted)%n", p.samples(), buildMs, p.zip().length);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.publicUrl() + "/feed/apks?package=" + name.text()))
                    .header("Authorization", "Token " + token).build();
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("samples", (double) n);
            figures.put("build_ms", buildMs);
            figures.putAll(BenchPeer.beside(http, req, "feed-" + n + ".zip", p.zip(), "fetch"));
            System.out.printf("fetched the stored package over HTTP: median %.1f ms (nginx, same bytes: %.1f ms)%n",
                    figures.get("fetch_ms"), figures.getOrDefault("peer_fetch_ms", Double.NaN));
            BenchPeer.result(figures);
        }
    }
}
