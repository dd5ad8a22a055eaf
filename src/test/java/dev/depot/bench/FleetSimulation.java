package dev.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Benchmark (not a test): a fleet of simulated installations against real servers over HTTP.
 * Run with bench/fleet.sh [sqlite|postgresql-2-nodes] [installations]. 10,000 installations poll
 * the native update check of a release staged at 10 %, then 50 % (the share offered, and that
 * nobody left the rollout); then a release whose installs fail 30 % of the time is reported on
 * until it halts (failure reports and seconds to the halt); then healthy releases (1 % failures,
 * 5 % threshold) are reported on in full (halts). On two nodes, requests alternate between them.
 * Prints Markdown.
 */
public final class FleetSimulation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONCURRENCY = 32;

    private final List<String> nodes;
    private final String maintainer;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final AtomicInteger requests = new AtomicInteger();

    private FleetSimulation(List<String> nodes, String maintainer) {
        this.nodes = nodes;
        this.maintainer = maintainer;
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "sqlite";
        int fleet = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        boolean twoNodes = mode.startsWith("postgresql");
        Backend backend = twoNodes ? Backend.POSTGRESQL : Backend.SQLITE;
        Path dir = Files.createTempDirectory("depot-fleet");
        Map<Setting, String> settings = Map.of(Setting.REPORTS_PER_MINUTE, "600");
        TestServer first = TestServer.start(backend, dir, Clock.systemUTC(), settings);
        TestServer second = twoNodes ? TestServer.node(first, Files.createTempDirectory("depot-fleet-2"), Clock.systemUTC(), settings)
                : null;
        try {
            OtaFixture f = new OtaFixture(first);
            List<String> urls = new ArrayList<>();
            urls.add(first.url(""));
            if (second != null) {
                urls.add(second.url(""));
            }
            long old = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(2000, 1));
            long staged = f.upload("Bliss-v1.1-sunfish-OFFICIAL-gapps-20240201.zip", OtaFixture.randomBytes(2000, 2));
            FleetSimulation sim = new FleetSimulation(urls, f.maintainerToken);
            System.out.printf("## Fleet simulation: %s, %,d installations, %d at a time, %s%n%n", twoNodes
                    ? "PostgreSQL, two nodes (requests alternate)" : "SQLite, one node", fleet, CONCURRENCY, Instant.now());
            sim.staging(fleet, old, staged);
            sim.halting(f, fleet);
            sim.healthy(f, fleet);
            sim.ddi(f, Math.min(fleet, 2_000));
        } finally {
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }

    private String node(int i) {
        return nodes.get(i % nodes.size());
    }

    /** A native API call: the envelope's {@code data}. */
    private JsonNode call(String method, String url, Object body, String... headers) throws Exception {
        return raw(method, url, body, headers).get("data");
    }

    private long release(String channel, long build, String percentage, String threshold) throws Exception {
        return call("POST", node(0) + "/v1/devices/sunfish/releases", Map.of("channel", channel, "build", build,
                "percentage", percentage, "failureThreshold", threshold, "minFinished", 20), auth()).get("id").asLong();
    }

    private String[] auth() {
        return new String[] {"Authorization", "Bearer " + maintainer};
    }

    /** Runs {@code work} for 0..n-1, CONCURRENCY at a time, on virtual threads; returns the seconds it took. */
    private static double parallel(int n, IntConsumer work) throws Exception {
        Semaphore slots = new Semaphore(CONCURRENCY);
        long start = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                slots.acquire();
                all.add(pool.submit(() -> {
                    try {
                        work.accept(k);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<?> x : all) {
                x.get();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void staging(int fleet, long old, long staged) throws Exception {
        release("stable", old, "100", "5");
        long r = release("stable", staged, "10", "5");
        Set<Integer> at10 = ConcurrentHashMap.newKeySet();
        double s10 = parallel(fleet, i -> {
            try {
                JsonNode u = call("GET", node(i) + "/v1/devices/sunfish/update?variant=gapps&installation=phone-" + i, null);
                if (u.get("update").get("buildId").asLong() == staged) {
                    at10.add(i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        call("POST", node(0) + "/v1/devices/sunfish/releases/" + r + "/rollout", Map.of("percentage", "50"), auth());
        Set<Integer> at50 = ConcurrentHashMap.newKeySet();
        double s50 = parallel(fleet, i -> {
            try {
                JsonNode u = call("GET", node(i + 1) + "/v1/devices/sunfish/update?variant=gapps&installation=phone-" + i, null);
                if (u.get("update").get("buildId").asLong() == staged) {
                    at50.add(i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long left = at10.stream().filter(i -> !at50.contains(i)).count();
        System.out.println("| staged release | installations offered it | share | left the rollout | update checks/s |");
        System.out.println("| --- | --- | --- | --- | --- |");
        System.out.printf("| at 10 %% | %,d of %,d | %.2f %% | - | %,.0f |%n", at10.size(), fleet, 100.0 * at10.size() / fleet, fleet / s10);
        System.out.printf("| raised to 50 %% | %,d of %,d | %.2f %% | %d | %,.0f |%n%n", at50.size(), fleet,
                100.0 * at50.size() / fleet, left, fleet / s50);
        call("POST", node(0) + "/v1/devices/sunfish/releases/" + r + "/complete", Map.of(), auth());
    }

    /** Each installation claims its token once, and reports downloaded, then installed or failed. */
    private final Map<Integer, String> tokens = new ConcurrentHashMap<>();

    private String token(int i) throws Exception {
        String t = tokens.get(i);
        if (t == null) {
            t = call("POST", node(i) + "/v1/devices/sunfish/installations/phone-" + i + "/token", Map.of()).get("token").asText();
            tokens.put(i, t);
        }
        return t;
    }

    private void report(int i, long release, boolean fails) throws Exception {
        String url = node(i) + "/v1/devices/sunfish/installations/phone-" + i + "/reports";
        call("POST", url, Map.of("release", release, "step", "downloaded", "progress", 100), "Depot-Installation-Token", token(i));
        Map<String, Object> end = fails ? Map.of("release", release, "step", "failed", "reason", "install_failed")
                : Map.of("release", release, "step", "installed");
        call("POST", url, end, "Depot-Installation-Token", token(i));
    }

    private void halting(OtaFixture f, int fleet) throws Exception {
        long build = f.upload("Bliss-v1.2-sunfish-OFFICIAL-gapps-20240301.zip", OtaFixture.randomBytes(2000, 3));
        long r = release("stable", build, "100", "5");
        Random random = new Random(30);
        boolean[] fails = new boolean[fleet];
        for (int i = 0; i < fleet; i++) {
            fails[i] = random.nextDouble() < 0.30;
        }
        long start = System.currentTimeMillis();
        AtomicInteger failureReports = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        // installations report as they finish, 32 at a time, until the release says it halted
        parallel(fleet, i -> {
            try {
                if (isHalted(r)) {
                    return;
                }
                report(i, r, fails[i]);
                sent.incrementAndGet();
                if (fails[i]) {
                    failureReports.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode s = call("GET", node(1) + "/v1/devices/sunfish/releases/" + r, null, auth());
        JsonNode halt = null;
        for (JsonNode e : s.get("events")) {
            if (e.get("kind").asText().equals("halted")) {
                halt = e;
            }
        }
        System.out.println("| failing release (30 % of installs fail) | figure |");
        System.out.println("| --- | --- |");
        if (halt == null) {
            System.out.println("| halted | **no** |");
        } else {
            System.out.printf("| halted | yes: %s |%n", halt.get("detail").asText());
            System.out.printf("| failure reports when it halted | %s |%n", halt.get("detail").asText().split(" of ")[0]);
            System.out.printf("| seconds from the first report to the halt | %.2f |%n", (halt.get("at").asLong() - start) / 1000.0);
        }
        System.out.printf("| reports sent before the fleet saw the halt | %,d installs (%,d failures) |%n%n", sent.get(),
                failureReports.get());
        call("POST", node(0) + "/v1/devices/sunfish/releases/" + r + "/rollback", Map.of(), auth());
    }

    private final Map<Long, Boolean> halted = new ConcurrentHashMap<>();
    private final AtomicInteger checks = new AtomicInteger();

    /** Whether the release halted; asked of the server every 20th call (a device would learn it from its next poll). */
    private boolean isHalted(long release) throws Exception {
        if (halted.getOrDefault(release, false)) {
            return true;
        }
        if (checks.incrementAndGet() % 20 != 0) {
            return false;
        }
        boolean h = call("GET", node(0) + "/v1/devices/sunfish/releases/" + release, null, auth()).get("state").asText()
                .equals("halted");
        halted.put(release, h);
        return h;
    }

    /**
     * DDI controllers (registered by the device's gateway token) each poll, fetch their
     * deployment, download the artifact and send feedback, against a release failing 30 % of the
     * time: how many finished before it halted, and whether the rest were told to cancel or got
     * nothing more.
     */
    private void ddi(OtaFixture f, int controllers) throws Exception {
        String gateway = call("POST", node(0) + "/v1/devices/sunfish/gateway-token", Map.of(), auth()).get("token").asText();
        long build = f.upload("Bliss-v3.0-sunfish-OFFICIAL-gapps-20240901.zip", OtaFixture.randomBytes(50_000, 300));
        long r = release("stable", build, "100", "5");
        Random random = new Random(3);
        boolean[] fails = new boolean[controllers];
        for (int i = 0; i < controllers; i++) {
            fails[i] = random.nextDouble() < 0.30;
        }
        AtomicInteger deployed = new AtomicInteger();
        AtomicInteger nothing = new AtomicInteger();
        AtomicInteger fellBack = new AtomicInteger();
        AtomicInteger withdrawn = new AtomicInteger();
        AtomicInteger downloadedBytes = new AtomicInteger();
        double seconds = parallel(controllers, i -> {
            try {
                String base = node(i) + "/sunfish/controller/v1/ddi-" + i;
                String[] auth = {"Authorization", "GatewayToken " + gateway};
                JsonNode poll = raw("GET", base, null, auth);
                JsonNode link = poll.path("_links").path("deploymentBase").path("href");
                if (link.isMissingNode()) {
                    nothing.incrementAndGet();
                    return;
                }
                JsonNode d;
                try {
                    d = raw("GET", link.asText(), null, auth);
                } catch (IllegalStateException gone) {
                    // the release halted between the poll and the fetch: the action is no longer this device's
                    if (!gone.getMessage().contains(" 404 ")) {
                        throw gone;
                    }
                    withdrawn.incrementAndGet();
                    return;
                }
                String action = d.get("id").asText();
                if (!action.equals(Long.toString(r))) {
                    fellBack.incrementAndGet();
                }
                String href = d.get("deployment").get("chunks").get(0).get("artifacts").get(0).get("_links").get("download-http")
                        .get("href").asText();
                HttpResponse<byte[]> bytes = http.send(HttpRequest.newBuilder(URI.create(href)).header(auth[0], auth[1]).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                requests.incrementAndGet();
                downloadedBytes.addAndGet(bytes.body().length);
                raw("POST", base + "/deploymentBase/" + action + "/feedback", Map.of("status", Map.of("execution", "closed",
                        "result", Map.of("finished", fails[i] ? "failure" : "success"), "details", List.of("bench"))), auth);
                deployed.incrementAndGet();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode s = call("GET", node(0) + "/v1/devices/sunfish/releases/" + r, null, auth());
        System.out.println("| DDI controllers (gateway token; 30 % of installs fail) | figure |");
        System.out.println("| --- | --- |");
        System.out.printf("| controllers | %,d |%n", controllers);
        System.out.printf("| deployed (poll, deploymentBase, download, feedback) | %,d (%,d bytes downloaded) |%n", deployed.get(),
                downloadedBytes.get());
        System.out.printf("| of those, given the channel's previous release (this one had halted) | %,d |%n", fellBack.get());
        System.out.printf("| offered, then withdrawn before it fetched the deployment (404) | %,d |%n", withdrawn.get());
        System.out.printf("| polls that found nothing to do | %,d |%n", nothing.get());
        System.out.printf("| release state, funnel installed/failed | %s, %d/%d |%n", s.get("state").asText(),
                s.get("funnel").get("installed").asLong(), s.get("funnel").get("failed").asLong());
        System.out.printf("| controllers per second | %,.0f |%n", controllers / seconds);
        System.out.printf("%nHTTP requests in all: %,d%n", requests.get());
    }

    /** A DDI call: plain JSON (no envelope); a body-less 200 is an empty object. */
    private JsonNode raw(String method, String url, Object body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        requests.incrementAndGet();
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private void healthy(OtaFixture f, int fleet) throws Exception {
        int releases = 5;
        int per = Math.max(100, fleet / releases);
        int halts = 0;
        long failures = 0;
        Random random = new Random(1);
        for (int k = 0; k < releases; k++) {
            long build = f.upload("Bliss-v2." + k + "-sunfish-OFFICIAL-gapps-202405" + String.format("%02d", k + 1) + ".zip",
                    OtaFixture.randomBytes(2000, 100 + k));
            long r = release("stable", build, "100", "5");
            boolean[] fails = new boolean[per];
            for (int i = 0; i < per; i++) {
                fails[i] = random.nextDouble() < 0.01;
                failures += fails[i] ? 1 : 0;
            }
            int offset = k * per;
            parallel(per, i -> {
                try {
                    report(offset + i, r, fails[i]);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            JsonNode s = call("GET", node(0) + "/v1/devices/sunfish/releases/" + r, null, auth());
            halts += s.get("state").asText().equals("halted") ? 1 : 0;
        }
        System.out.println("| healthy releases (1 % of installs fail, 5 % threshold) | figure |");
        System.out.println("| --- | --- |");
        System.out.printf("| releases, installs each | %d, %,d |%n", releases, per);
        System.out.printf("| failures reported | %,d |%n", failures);
        System.out.printf("| releases halted | %d |%n%n", halts);
    }
}
