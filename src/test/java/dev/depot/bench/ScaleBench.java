package dev.depot.bench;

import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.ota.OtaBuild;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryDocuments;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.RomDevice;
import dev.depot.support.Seed;
import dev.depot.support.TestServer;
import dev.depot.support.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Benchmark (not a test): the paths whose cost could grow with history, at 1x, 10x and 100x of
 * it. Run with bench/scale.sh [sqlite|postgresql] [1,10,100]. At 1x: 100 devices, a device with
 * 1,000 builds, an app with 1,000 builds, a repository of 1,000 entries and 100,000 download
 * events; 10x and 100x multiply each (100x: 10,000 devices, 100,000 builds of one device and of
 * one app, 100,000 entries, 10 M events). History is written straight into the tables with the
 * columns Depot writes ({@link Seed}); the update check and device list are asked with their
 * answer cache off, so each request renders. Each path: the median of 7 requests after 2 that are
 * not counted, and the bytes of its answer; "first after ..." rows time one request. Prints
 * Markdown with the growth per 10x.
 */
public final class ScaleBench {
    /** How long after its first answer a server's RSS counts as idle: the indexes it makes at start are made. */
    private static final long IDLE_MS = 30_000;

    private final TestServer server;
    private final Jdbi jdbi;
    private final String token;
    private final WebClient admin;
    private final Map<String, double[]> ms = new LinkedHashMap<>();
    private final Map<String, long[]> bytes = new LinkedHashMap<>();
    private final int scales;

    private ScaleBench(TestServer server, String token, WebClient admin, int scales) {
        this.server = server;
        this.jdbi = server.depot().database().jdbi();
        this.token = token;
        this.admin = admin;
        this.scales = scales;
    }

    public static void main(String[] args) throws Exception {
        Backend backend = args.length > 0 && args[0].equals("postgresql") ? Backend.POSTGRESQL : Backend.SQLITE;
        int[] scales = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 10, 100};
        boolean events = args.length <= 2 || !args[2].equals("no-events"); // "no-events": skip the 10 M events (quick runs)
        Path dir = Files.createTempDirectory("depot-scale-bench");
        try (TestServer server = TestServer.start(backend, dir, Clock.systemUTC(), Map.of(Setting.UPDATER_CACHE_TTL, "0"))) {
            RomDevice device = new RomDevice(server);
            OtaBuild newest = device.published("Bliss-v15.9-sunfish-OFFICIAL-gapps-20301231.zip", 1);
            AppFixture apps = new AppFixture(server);
            long appBuild = Long.parseLong(apps.uploadAndWaitQuietly("apps/com.politedroid_4.apk"));
            long spare = Long.parseLong(apps.uploadAndWaitQuietly("apps/com.teleca.jamendo_35.apk"));
            AppFixture.ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"store\",\"title\":\"Store\"}",
                    AppFixture.bearer(apps.maintainer)));
            server.get("/fdroid/store/repo/index-v2.json"); // the repository's signing key is made once, not counted
            server.userWithToken("root", true, Scope.ADMIN);
            WebClient admin = new WebClient(server);
            admin.signIn("root", "password-root");
            ScaleBench bench = new ScaleBench(server, apps.viewer, admin, scales.length);
            long appId = bench.jdbi.withHandle(h -> h.createQuery("SELECT app_id FROM builds WHERE id = :id").bind("id", appBuild)
                    .mapTo(Long.class).one());
            Random random = new Random(1);
            long seeded = 0;
            for (int s = 0; s < scales.length; s++) {
                int x = scales[s];
                long t0 = System.nanoTime();
                int have = s == 0 ? 0 : scales[s - 1];
                Seed.devices(bench.jdbi, "phone" + x + "x", "Acme", 100 * (x - have));
                Seed.romBuilds(bench.jdbi, newest, "seeded" + x + "x", 1000 * (x - have) - (s == 0 ? 1 : 0));
                Seed.appBuilds(bench.jdbi, appId, appBuild, 1000 * (x - have) - (s == 0 ? 1 : 0));
                bench.seedEntries(appId, spare, x * 1000 - 2); // the last two are changes measureAll makes
                List<Long> hundred = bench.jdbi.withHandle(h -> h.createQuery(
                        "SELECT id FROM builds WHERE device_id IS NOT NULL ORDER BY id LIMIT 100").mapTo(Long.class).list());
                if (events) {
                    seeded = StatsScaleBench.seed(server, hundred, seeded, 100_000L * x, random, System.currentTimeMillis(), true);
                }
                System.err.printf("%dx seeded in %.1f s%n", x, (System.nanoTime() - t0) / 1e9);
                bench.measureAll(s, spare, appId, x * 1000);
            }
            bench.print(backend, scales);
        }
        try {
            String launcher = System.getenv("SCALE_DEPOT");
            if (launcher != null && backend == Backend.SQLITE) {
                startOn(Path.of(launcher), dir, scales[scales.length - 1]);
            }
        } finally {
            if (System.getenv("SCALE_KEEP") == null) {
                dev.depot.support.TestFiles.deleteTree(dir);
            } else {
                System.err.println("data kept in " + dir);
            }
        }
    }

    /**
     * {@code ./depot serve} on the data directory as seeded, as an operator starts it: twice (the
     * first start of a new jar records its class cache), printing the second start's time from
     * launch to the first 200 of {@code /healthz}, its RSS two seconds later and once idle.
     */
    private static void startOn(Path launcher, Path dir, int scale) throws Exception {
        double startS = 0;
        long rssKb = 0;
        long idleKb = 0;
        for (int run = 0; run < 2; run++) {
            int port = TestServer.freePort();
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "serve").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("serve-" + run + ".log").toFile());
            pb.environment().put("DEPOT_DATA", dir.toString());
            pb.environment().put("DEPOT_PORT", Integer.toString(port));
            pb.environment().put("DEPOT_LOG_LEVEL", "WARN");
            long t0 = System.nanoTime();
            Process p = pb.start();
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(2)).build();
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("depot serve ended: " + Files.readString(dir.resolve("serve-" + run + ".log")));
                }
                try {
                    if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(20);
            }
            startS = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(2_000);
            rssKb = rssKb(p);
            Thread.sleep(IDLE_MS - 2_000);
            idleKb = rssKb(p);
            p.destroy();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            System.err.printf("start %d: %.2f s, RSS %d MB, idle %d MB%n", run + 1, startS, rssKb / 1024, idleKb / 1024);
        }
        System.out.printf("%n| `./depot serve` on the %dx data (second start) | |%n| --- | --- |%n", scale);
        System.out.printf("| launch to first 200 | %.2f s |%n| RSS 2 s after | %d MB |%n| RSS idle, %d s after | %d MB |%n",
                startS, rssKb / 1024, IDLE_MS / 1000, idleKb / 1024);
    }

    private static long rssKb(Process p) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
    }

    /**
     * Every app build without an entry becomes one (a package of its own) in one new revision, with
     * its changes, as a change another node made (this node hears nothing of it).
     */
    private void seedEntries(long appId, long spare, int target) {
        jdbi.useTransaction(h -> {
            long repo = h.createQuery("SELECT id FROM repositories WHERE name = 'store'").mapTo(Long.class).one();
            long now = System.currentTimeMillis();
            h.createUpdate("""
                    INSERT INTO repository_entries (repository_id, build_id, package_name, version_code, signer, published_revision,
                        published_at)
                    SELECT :repo, b.id, 'org.seed.p' || b.id, 1, 'seed', 1, :now FROM builds b
                    WHERE b.app_id = :app AND b.id <> :spare AND b.id NOT IN (SELECT build_id FROM repository_entries WHERE repository_id = :repo)
                    ORDER BY b.id LIMIT :n""")
                    .bind("repo", repo).bind("now", now).bind("app", appId).bind("spare", spare)
                    .bind("n", target - h.createQuery("SELECT COUNT(*) FROM repository_entries WHERE repository_id = :repo")
                            .bind("repo", repo).mapTo(Integer.class).one())
                    .execute();
            long revision = h.createQuery("SELECT revision + 1 FROM repositories WHERE id = :repo").bind("repo", repo)
                    .mapTo(Long.class).one();
            h.createUpdate("""
                    INSERT INTO repository_changes (repository_id, revision, build_id, change, package_name, version_code)
                    SELECT :repo, :rev, build_id, 'added', package_name, version_code FROM repository_entries
                    WHERE repository_id = :repo AND published_revision = 1""")
                    .bind("repo", repo).bind("rev", revision).execute();
            h.createUpdate("UPDATE repository_entries SET published_revision = :rev WHERE repository_id = :repo AND published_revision = 1")
                    .bind("repo", repo).bind("rev", revision).execute();
            String hash = Long.toHexString(new Random().nextLong()) + Long.toHexString(now);
            h.createUpdate("INSERT INTO repository_revisions (repository_id, revision, state_hash, entries_count, created_at) "
                            + "VALUES (:repo, :rev, :hash, (SELECT COUNT(*) FROM repository_entries WHERE repository_id = :repo), :now)")
                    .bind("repo", repo).bind("rev", revision).bind("hash", hash).bind("now", now).execute();
            h.createUpdate("UPDATE repositories SET revision = :rev, state_hash = :hash, entries_count = "
                            + "(SELECT COUNT(*) FROM repository_entries WHERE repository_id = :repo), updated_at = :now WHERE id = :repo")
                    .bind("rev", revision).bind("hash", hash).bind("repo", repo).bind("now", now).execute();
        });
    }

    private void measureAll(int s, long spare, long appId, int entries) {
        String[] bearer = AppFixture.bearer(token);
        seedEntries(appId, spare, entries - 1);
        once(s, "native repository index, first request at once after another node's change", () -> get("/v1/repositories/store"));
        once(s, "F-Droid index-v2, first request at once after another node's change",
                () -> get("/fdroid/store/repo/index-v2.json"));
        seedEntries(appId, spare, entries);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Repository changed = server.depot().repositories().require("store");
        while (!server.depot().fdroid().made(changed) && System.nanoTime() < deadline) {
            sleep(100);
        }
        sleep(RepositoryDocuments.LOOK.toMillis() + 1_000); // and the native index's look, on the same thread
        once(s, "native repository index, first request after another node's change, once this node looked",
                () -> get("/v1/repositories/store"));
        once(s, "F-Droid index-v2, first request after another node's change, once this node looked",
                () -> get("/fdroid/store/repo/index-v2.json"));
        median(s, "`/api/v1/updater/los/sunfish/gapps` (device with the most builds)",
                () -> get("/api/v1/updater/los/sunfish/gapps"));
        median(s, "`/devices/sunfish` page", () -> get("/devices/sunfish"));
        median(s, "`/` page", () -> get("/"));
        median(s, "`/api/v1/general/device/all/`", () -> get("/api/v1/general/device/all/"));
        median(s, "app build listing (`/v1/organizations/acme/apps/tiny/builds`)",
                () -> get("/v1/organizations/acme/apps/tiny/builds", bearer));
        median(s, "native repository index", () -> get("/v1/repositories/store"));
        median(s, "F-Droid index-v2", () -> get("/fdroid/store/repo/index-v2.json"));
        median(s, "F-Droid index-v1.jar", () -> get("/fdroid/store/repo/index-v1.jar"));
        median(s, "`/dashboard/stats`", () -> page("/dashboard/stats"));
        median(s, "`/dashboard/stats?days=90`", () -> page("/dashboard/stats?days=90"));
        median(s, "`/api/v1/download/count/all/`", () -> get("/api/v1/download/count/all/"));
        median(s, "`/v1/stats/downloads`", () -> get("/v1/stats/downloads", bearer));
        // a change on this node: the indexes of the new state are made ahead of the request
        String path = "/v1/organizations/acme/repositories/store/builds";
        if (s % 2 == 0) {
            AppFixture.ok(server.postJson(path, "{\"buildId\":\"" + spare + "\"}", AppFixture.bearer(adminToken())));
        } else {
            AppFixture.ok(server.send("DELETE", path + "/" + spare, null, AppFixture.bearer(adminToken())));
        }
        once(s, "F-Droid index-v2, first request after a change on this node", () -> get("/fdroid/store/repo/index-v2.json"));
        once(s, "native repository index, first request after a change on this node", () -> get("/v1/repositories/store"));
    }

    private String adminTokenValue;

    private String adminToken() {
        if (adminTokenValue == null) {
            adminTokenValue = server.userWithToken("publisher", true, Scope.ADMIN, Scope.PUBLISH, Scope.READ);
        }
        return adminTokenValue;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void once(int s, String name, Supplier<Answer> request) {
        long t0 = System.nanoTime();
        Answer r = request.get();
        record(s, name, (System.nanoTime() - t0) / 1e6, r);
    }

    /** What the benchmark keeps of an answer: its status and size (the body is read and dropped, not decoded). */
    private record Answer(int status, long bytes) {}

    private final HttpClient http = HttpClient.newHttpClient();

    private Answer get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofMinutes(2));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            long n = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = r.body()) {
                for (int k; (k = in.read(buf)) > 0; ) {
                    n += k;
                }
            }
            return new Answer(r.statusCode(), n);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Answer page(String path) {
        return get(path, "Cookie", "depot_session=" + admin.session());
    }

    private void median(int s, String name, Supplier<Answer> request) {
        List<Double> times = new ArrayList<>();
        Answer last = null;
        for (int i = 0; i < 9; i++) {
            long t0 = System.nanoTime();
            last = request.get();
            if (i >= 2) {
                times.add((System.nanoTime() - t0) / 1e6);
            }
        }
        Collections.sort(times);
        record(s, name, times.get(times.size() / 2), last);
    }

    private void record(int s, String name, double took, Answer r) {
        if (r.status() != 200) {
            throw new IllegalStateException(name + " answered " + r.status());
        }
        ms.computeIfAbsent(name, k -> new double[scales])[s] = took;
        bytes.computeIfAbsent(name, k -> new long[scales])[s] = r.bytes();
        System.err.printf("%s: %.1f ms, %,d bytes%n", name, took, r.bytes());
    }

    private void print(Backend backend, int[] scales) {
        System.out.printf("## Costs as history grows (%s)%n%n", backend.name().toLowerCase());
        StringBuilder head = new StringBuilder("| path |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (int x : scales) {
            head.append(" ").append(x).append("x |");
            rule.append(" --- |");
        }
        System.out.println(head + " growth per 10x | answer at " + scales[scales.length - 1] + "x |");
        System.out.println(rule + " --- | --- |");
        double decades = Math.log10((double) scales[scales.length - 1] / scales[0]);
        for (Map.Entry<String, double[]> e : ms.entrySet()) {
            double[] v = e.getValue();
            StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
            for (double x : v) {
                row.append(String.format(" %.1f ms |", x));
            }
            row.append(decades > 0 ? String.format(" %.2fx |", Math.pow(v[v.length - 1] / v[0], 1 / decades)) : " - |");
            long b = bytes.get(e.getKey())[v.length - 1];
            row.append(b >= 1 << 20 ? String.format(" %.1f MB |", b / 1048576.0) : String.format(" %,d B |", b));
            System.out.println(row);
        }
    }
}
