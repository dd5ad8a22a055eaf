package dev.depot.bench;

import dev.depot.auth.Principal;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryService;
import dev.depot.server.DepotServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;

/**
 * Benchmark (not a test): the Aptoide update check against a repository with 100,000 revisions.
 * Run with bench/repository-check.sh. Prints the median time of a check for a client holding the
 * current hash, a hash 10 changes old, 50,000 changes old, 100,000 changes old, and an unknown
 * hash, through the service and over HTTP.
 */
public final class RepositoryCheckBench {
    public static void main(String[] args) throws Exception {
        int revisions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("depot-bench-repo");
        Settings settings = Settings.defaults().with(Setting.DATA, dir.toString()).with(Setting.PORT, "0");
        try (DepotServer server = DepotServer.start(settings, Clock.systemUTC())) {
            var depot = server.depot();
            depot.auth().createUser("bench", "bench-password", true);
            depot.catalog().organizations().createOrganization(Principal.operator(), "bench", "Bench", "bench");
            var app = depot.catalog().apps().createApp(Principal.operator(), "bench", "app", "App", "android", null);
            // half the revisions publish a new build, half unpublish them again; one build stays, so
            // every revision has a state (and hash) of its own
            int half = revisions / 2;
            long[] builds = new long[half + 1];
            depot.database().jdbi().useTransaction(h -> {
                var insert = h.prepareBatch("INSERT INTO builds (kind, file_name, size, sha256, md5, status, enabled, facts, "
                        + "app_id, version, version_code, created_at) VALUES ('apk', :f, 1, :sha, '', 'processed', TRUE, :facts, "
                        + ":app, '1', :vc, 0)");
                for (int n = 0; n <= half; n++) {
                    insert.bind("f", "b" + n + ".apk").bind("sha", String.format("%064x", n)).bind("app", app.id())
                            .bind("vc", n + 1).bind("facts", "{\"packageName\":\"bench.app" + n + "\",\"signing\":{\"verified\":true,"
                                    + "\"signerCertSha256\":[\"" + "f".repeat(64) + "\"]}}").add();
                }
                insert.execute();
            });
            java.util.List<Long> ids = depot.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM builds ORDER BY id")
                    .mapTo(Long.class).list());
            for (int n = 0; n <= half; n++) {
                builds[n] = ids.get(n);
            }
            RepositoryService repos = depot.repositories();
            repos.create(Principal.operator(), "bench", "big", "Big", "");
            long start = System.nanoTime();
            String empty = repos.require("big").stateHash();
            publish(repos, builds[half], true);
            for (int n = 0; n < half; n++) {
                publish(repos, builds[n], true);
            }
            String halfWay = repos.require("big").stateHash();
            String tenAgo = null;
            for (int n = 0; n < half - 1; n++) {
                publish(repos, builds[n], false);
                if (n == half - 12) {
                    tenAgo = repos.require("big").stateHash();
                }
            }
            double seedSeconds = (System.nanoTime() - start) / 1e9;
            Repository repo = repos.require("big");
            System.out.printf("seeded %d revisions in %.1f s (%.0f revisions/s)%n", repo.revision(), seedSeconds,
                    repo.revision() / seedSeconds);
            String unknown = "ab".repeat(32);
            System.out.println("| client holds | service median | HTTP median |");
            System.out.println("| --- | --- | --- |");
            HttpClient http = HttpClient.newHttpClient();
            java.util.Map<String, Double> figures = new java.util.LinkedHashMap<>();
            for (String[] c : new String[][] {{"the current hash", repo.stateHash()}, {"a hash 10 revisions old", tenAgo},
                    {"a hash " + (half - 1) + " revisions old", halfWay}, {"the empty repository's hash (every revision since)", empty},
                    {"an unknown hash", unknown}}) {
                double service = median(() -> repos.check(repo, c[1]));
                String url = server.publicUrl() + "/webservices/listRepositoryChange?repo=big&hash=" + c[1] + "&mode=json";
                double overHttp = median(() -> http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                System.out.printf("| %s | %.3f ms | %.3f ms |%n", c[0], service, overHttp);
                if (c[1] == tenAgo) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
                    byte[] answer = http.send(req, HttpResponse.BodyHandlers.ofByteArray()).body();
                    figures.put("revisions", (double) repo.revision());
                    figures.put("service_ms", service);
                    figures.putAll(BenchPeer.beside(http, req, "repository-check.json", answer, "http"));
                }
            }
            BenchPeer.result(figures);
        }
    }

    private static void publish(RepositoryService repos, long build, boolean add) {
        if (add) {
            repos.publish(Principal.operator(), "bench", "big", build);
        } else {
            repos.unpublish(Principal.operator(), "bench", "big", build);
        }
    }

    interface Call {
        Object run() throws Exception;
    }

    private static double median(Call call) throws Exception {
        for (int i = 0; i < 5; i++) {
            call.run();
        }
        double[] ms = new double[21];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
