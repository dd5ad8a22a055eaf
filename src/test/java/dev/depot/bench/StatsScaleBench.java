package dev.depot.bench;

import dev.depot.auth.Scope;
import dev.depot.ota.OtaBuild;
import dev.depot.support.Backend;
import dev.depot.support.RomDevice;
import dev.depot.support.TestServer;
import dev.depot.support.WebClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Benchmark (not a test): download counts and charts as history grows. Run with
 * bench/stats-scale.sh [sqlite|postgresql]. For 1x, 10x and 100x (100,000, 1 M and 10 M download
 * events over 100 builds and 90 days), seeds the events with the SQL Depot writes them with (and
 * the per-day rows, where the schema has them), then times each path that counts: the median of 7
 * requests after 2 unmeasured ones. Prints Markdown, with the growth per 10x.
 */
public final class StatsScaleBench {
    private static final long DAY_MS = 86_400_000L;
    private static final String[] PATHS = {"/dashboard/stats", "/dashboard/stats?days=90", "/api/v1/download/count/all/",
        "/api/v1/download/count/week/", "/v1/stats/downloads"};

    private StatsScaleBench() {}

    public static void main(String[] args) throws Exception {
        Backend backend = args.length > 0 && args[0].equals("postgresql") ? Backend.POSTGRESQL : Backend.SQLITE;
        int[] scales = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 10, 100};
        Map<String, double[]> results = new LinkedHashMap<>();
        for (String p : PATHS) {
            results.put(p, new double[scales.length]);
        }
        Path dir = Files.createTempDirectory("depot-stats-bench");
        try (TestServer server = TestServer.start(backend, dir, Clock.systemUTC(), Map.of())) {
            RomDevice device = new RomDevice(server);
            List<Long> builds = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                OtaBuild b = device.published("Bliss-v15." + i + "-sunfish-OFFICIAL-gapps-2024" + String.format("%02d%02d", 1 + i / 28, 1 + i % 28)
                        + ".zip", i);
                builds.add(b.id());
            }
            server.userWithToken("root", true, Scope.ADMIN);
            WebClient admin = new WebClient(server);
            admin.signIn("root", "password-root");
            String token = server.userWithToken("reader", false, Scope.READ);
            boolean days = server.depot().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM flyway_schema_history WHERE script LIKE '%download_days%'").mapTo(Integer.class).one()) > 0;
            long seeded = 0;
            Random random = new Random(1);
            long now = System.currentTimeMillis();
            for (int s = 0; s < scales.length; s++) {
                long target = 100_000L * scales[s];
                seeded = seed(server, builds, seeded, target, random, now, days);
                for (String path : PATHS) {
                    List<Double> ms = new ArrayList<>();
                    try {
                        for (int i = 0; i < 9; i++) {
                            long t0 = System.nanoTime();
                            HttpResponse<String> r = path.startsWith("/dashboard") ? admin.get(path)
                                    : server.get(path, "Authorization", "Bearer " + token);
                            double took = (System.nanoTime() - t0) / 1e6;
                            if (r.statusCode() != 200) {
                                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
                            }
                            if (i >= 2) {
                                ms.add(took);
                            }
                        }
                        Collections.sort(ms);
                        results.get(path)[s] = ms.get(ms.size() / 2);
                    } catch (java.io.UncheckedIOException e) {
                        results.get(path)[s] = Double.POSITIVE_INFINITY; // the test client's time limit passed
                    }
                    System.err.printf("%dx %s: %.1f ms%n", scales[s], path, results.get(path)[s]);
                }
            }
            System.out.printf("## Download counts and charts as history grows (%s, %s)%n%n", backend.name().toLowerCase(),
                    days ? "per-day rows" : "events only");
            StringBuilder head = new StringBuilder("| path |");
            StringBuilder rule = new StringBuilder("| --- |");
            for (int scale : scales) {
                head.append(" ").append(scale).append("x (").append(String.format("%,d", 100_000L * scale)).append(" events) |");
                rule.append(" --- |");
            }
            System.out.println(head + " growth per 10x |");
            System.out.println(rule + " --- |");
            for (Map.Entry<String, double[]> e : results.entrySet()) {
                double[] v = e.getValue();
                StringBuilder row = new StringBuilder("| `" + e.getKey() + "` |");
                for (double x : v) {
                    row.append(Double.isInfinite(x) ? " over the client's limit |" : String.format(" %.1f ms |", x));
                }
                double decades = Math.log10((double) scales[scales.length - 1] / scales[0]);
                row.append(String.format(" %.1fx |", Math.pow(v[v.length - 1] / v[0], 1 / decades)));
                System.out.println(row);
            }
        } finally {
            dev.depot.support.TestFiles.deleteTree(dir);
        }
    }

    /** Adds events up to {@code target}, spread over 100 builds and the last 90 days, as the counter writes them. */
    static long seed(TestServer server, List<Long> builds, long from, long target, Random random, long now, boolean days) {
        server.depot().database().jdbi().useHandle(h -> {
            long n = from;
            while (n < target) {
                int chunk = (int) Math.min(50_000, target - n);
                Map<String, Long> perDay = new java.util.TreeMap<>();
                h.begin();
                PreparedBatch b = h.prepareBatch("INSERT INTO download_events (build_id, download_type, occurred_at) VALUES (:b, :t, :at)");
                for (int i = 0; i < chunk; i++) {
                    long build = builds.get(random.nextInt(builds.size()));
                    String type = random.nextInt(4) == 0 ? "update" : "download";
                    long at = now - (long) (random.nextDouble() * 90 * DAY_MS);
                    b.bind("b", build).bind("t", type).bind("at", at).add();
                    perDay.merge(build + "/" + Math.floorDiv(at, DAY_MS) + "/" + type, 1L, Long::sum);
                }
                b.execute();
                if (days) {
                    PreparedBatch d = h.prepareBatch("INSERT INTO download_days (build_id, day, download_type, n) VALUES (:b, :d, :t, :n) "
                            + "ON CONFLICT (build_id, day, download_type) DO UPDATE SET n = download_days.n + excluded.n");
                    for (Map.Entry<String, Long> e : perDay.entrySet()) {
                        String[] k = e.getKey().split("/");
                        d.bind("b", Long.parseLong(k[0])).bind("d", Long.parseLong(k[1])).bind("t", k[2]).bind("n", e.getValue()).add();
                    }
                    d.execute();
                }
                h.commit();
                n += chunk;
            }
        });
        return target;
    }
}
