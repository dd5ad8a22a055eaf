package dev.depot.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.delivery.DownloadType;
import dev.depot.feed.FeedReceipts;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.MutableClock;
import dev.depot.support.OtaFixture;
import dev.depot.support.S3ProxyServer;
import dev.depot.support.ShippyClient;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two Depot nodes, each with a data directory of its own, over one PostgreSQL database and one S3
 * bucket: whatever one node does, the other sees.
 */
class TwoNodeTest {
    static final S3ProxyServer proxy = S3ProxyServer.shared();

    static Map<Setting, String> cluster(String bucket) {
        return proxy.depotSettings(bucket, "auto");
    }

    @Test
    void tenThousandDownloadsOverTwoNodesSumExactlyAfterAGracefulStop() throws Exception {
        var settings = cluster(S3ProxyServer.newBucketName("counters"));
        TestServer a = TestServer.start(Backend.POSTGRESQL, Files.createTempDirectory("depot-node-a"), Clock.systemUTC(), settings);
        TestServer b = TestServer.node(a, Files.createTempDirectory("depot-node-b"), Clock.systemUTC(), settings);
        long buildId;
        String path;
        try {
            OtaFixture f = new OtaFixture(a);
            buildId = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(100_000, 3));
            String url = Json.parse(a.get("/api/v1/updater/los/sunfish/gapps/").body()).get("response").get(0).get("url").asText();
            path = URI.create(url).getPath();

            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            List<TestServer> nodes = List.of(a, b);
            int downloads = 10_000;
            long started = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < downloads; i++) {
                    TestServer node = nodes.get(i % 2);
                    String type = i % 4 < 2 ? "download" : "update";
                    URI uri = URI.create("http://127.0.0.1:" + node.server().port() + path + "?type=" + type);
                    answers.add(pool.submit(() -> http.send(HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode()));
                }
                for (Future<Integer> answer : answers) {
                    assertThat(answer.get()).isEqualTo(302);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("counted %d downloads over 2 nodes in %.2f s (%.0f/s)%n", downloads, seconds, downloads / seconds);
        } finally {
            a.close();
            b.close();
        }
        try (TestServer c = TestServer.node(a, Files.createTempDirectory("depot-node-c"), Clock.systemUTC(), settings)) {
            assertThat(c.depot().downloads().countOfBuild(buildId, DownloadType.DOWNLOAD)).isEqualTo(5_000);
            assertThat(c.depot().downloads().countOfBuild(buildId, DownloadType.UPDATE)).isEqualTo(5_000);
            assertThat(c.depot().downloads().countSince(null)).isEqualTo(10_000);
        }
    }

    @Test
    void chunksOfOneShippyUploadAlternateBetweenNodesAndTheOtherNodeCompletesIt() throws Exception {
        var settings = cluster(S3ProxyServer.newBucketName("shippy"));
        try (TestServer a = firstNode(Clock.systemUTC(), settings); TestServer b = nextNode(a, Clock.systemUTC(), settings)) {
            OtaFixture f = new OtaFixture(a);
            List<ShippyClient> nodes = List.of(new ShippyClient(a, f.maintainerToken), new ShippyClient(b, f.maintainerToken));
            byte[] rom = OtaFixture.randomBytes(4_600_000, 8);
            String name = "Bliss-v2.0-sunfish-OFFICIAL-gapps-20240401.zip";
            String id = null;
            int i = 0;
            for (int start = 0; start < rom.length; start += ShippyClient.CHUNK_SIZE, i++) {
                byte[] chunk = Arrays.copyOfRange(rom, start, Math.min(rom.length, start + ShippyClient.CHUNK_SIZE));
                HttpResponse<String> r = nodes.get(i % 2).putChunk(id, name, chunk, start, rom.length);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                id = Json.parse(r.body()).get("id").asText();
            }
            // node a took chunks 0, 2, 4 and node b 1, 3: neither holds the file, and b completes it
            assertThat(a.dataDir().resolve("uploads").resolve(id + ".part")).doesNotExist();
            HttpResponse<String> done = nodes.get(1).finalizeUpload(id, OtaFixture.sha256(rom));
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);

            String url = Json.parse(a.get("/api/v1/updater/los/sunfish/gapps/").body()).get("response").get(0).get("url").asText();
            String presigned = a.get(URI.create(url).getPath()).headers().firstValue("Location").orElseThrow();
            byte[] served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(presigned)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            assertThat(served).isEqualTo(rom);
            assertThat(chunkRows(a)).isZero();
        }
    }

    @Test
    void aTusUploadMovesBetweenNodesAndItsBuildIsInspectedOnce() throws Exception {
        var settings = cluster(S3ProxyServer.newBucketName("tus"));
        try (TestServer a = firstNode(Clock.systemUTC(), settings); TestServer b = nextNode(a, Clock.systemUTC(), settings)) {
            AppFixture f = new AppFixture(a);
            byte[] apk = Files.readAllBytes(AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk"));
            HttpResponse<String> created = a.send(HttpRequest.newBuilder(URI.create(a.url("/v1/uploads")))
                    .POST(HttpRequest.BodyPublishers.noBody()), "Tus-Resumable", "1.0.0", "Authorization", "Bearer " + f.maintainer,
                    "Upload-Length", Integer.toString(apk.length),
                    "Upload-Metadata", "filename " + b64("two-nodes.apk") + ",organization " + b64("acme") + ",app " + b64("tiny")
                            + ",sha256 " + b64(OtaFixture.sha256(apk)));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String path = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
            int chunk = 40_000;
            int i = 0;
            for (int offset = 0; offset < apk.length; offset += chunk, i++) {
                TestServer node = i % 2 == 0 ? b : a;
                HttpResponse<String> r = node.send(HttpRequest.newBuilder(URI.create(node.url(path))).method("PATCH",
                                HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(apk, offset, Math.min(apk.length, offset + chunk)))),
                        "Tus-Resumable", "1.0.0", "Authorization", "Bearer " + f.maintainer, "Upload-Offset", Integer.toString(offset),
                        "Content-Type", "application/offset+octet-stream");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
            }
            var builds = AppFixture.ok(b.get("/v1/organizations/acme/apps/tiny/builds", AppFixture.bearer(f.viewer)));
            assertThat(builds).hasSize(1);
            var done = f.waitProcessed(f.viewer, builds.get(0).get("id").asText());
            assertThat(done.get("status").asText()).isEqualTo("processed");
            assertThat(done.get("facts").get("packageName").asText()).isEqualTo("a2dp.Vol");
            assertThat(done.get("sha256").asText()).isEqualTo(OtaFixture.sha256(apk));
            // both nodes run workers; the inspection ran once
            List<Integer> attempts = a.depot().database().jdbi().withHandle(h -> h.createQuery("SELECT attempts FROM jobs")
                    .mapTo(Integer.class).list());
            assertThat(attempts).containsExactly(1);
        }
    }

    @Test
    void whileTheBucketIsDownAChunkGets503AndTheUploadResumesAfterwards() throws Exception {
        S3ProxyServer own = new S3ProxyServer();
        try {
            String bucket = S3ProxyServer.newBucketName("outage");
            var settings = own.depotSettings(bucket, "auto");
            try (TestServer a = firstNode(Clock.systemUTC(), settings); TestServer b = nextNode(a, Clock.systemUTC(), settings)) {
                OtaFixture f = new OtaFixture(a);
                ShippyClient onA = new ShippyClient(a, f.maintainerToken);
                ShippyClient onB = new ShippyClient(b, f.maintainerToken);
                byte[] rom = OtaFixture.randomBytes(2_400_000, 9);
                String name = "Bliss-v3.0-sunfish-OFFICIAL-gapps-20240501.zip";
                byte[] first = Arrays.copyOf(rom, ShippyClient.CHUNK_SIZE);
                String id = Json.parse(onA.putChunk(null, name, first, 0, rom.length).body()).get("id").asText();

                own.stop();
                byte[] second = Arrays.copyOfRange(rom, ShippyClient.CHUNK_SIZE, 2 * ShippyClient.CHUNK_SIZE);
                HttpResponse<String> refused = onB.putChunk(id, name, second, ShippyClient.CHUNK_SIZE, rom.length);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                HttpResponse<String> ready = b.get("/readyz");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(Json.parse(ready.body()).get("blobs").asText()).isNotEqualTo("ok");
                assertThat(a.depot().ota().builds().buildsOfDevice("sunfish", null, 50)).isEmpty();

                own.start();
                assertThat(b.get("/readyz").statusCode()).isEqualTo(200);
                assertThat(onB.putChunk(id, name, second, ShippyClient.CHUNK_SIZE, rom.length).statusCode()).isEqualTo(200);
                byte[] rest = Arrays.copyOfRange(rom, 2 * ShippyClient.CHUNK_SIZE, rom.length);
                assertThat(onA.putChunk(id, name, rest, 2 * ShippyClient.CHUNK_SIZE, rom.length).statusCode()).isEqualTo(200);

                own.stop();
                HttpResponse<String> notNow = onA.finalizeUpload(id, OtaFixture.sha256(rom));
                assertThat(notNow.statusCode()).as(notNow.body()).isEqualTo(503);
                own.start();
                HttpResponse<String> done = onB.finalizeUpload(id, OtaFixture.sha256(rom));
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            }
        } finally {
            own.close();
        }
    }

    @Test
    void downloadTokensAndFeedPackagesWorkFromEitherNode() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-21T10:02:00Z"));
        Map<Setting, String> settings = new java.util.EnumMap<>(cluster(S3ProxyServer.newBucketName("tokens")));
        settings.put(Setting.PUBLIC_URL, "http://depot.example");
        try (TestServer a = firstNode(clock, settings); TestServer b = nextNode(a, clock, settings)) {
            String analyst = a.userWithToken("analyst", false, Scope.FEED);
            FeedReceipts feedA = a.depot().feed().receipts();
            FeedReceipts feedB = b.depot().feed().receipts();
            for (int i = 0; i < 20; i++) {
                (i % 2 == 0 ? feedA : feedB).receive(String.format("%064x", 5000 + i), 10 + i, null, null, null, null, null);
                clock.advance(Duration.ofSeconds(70));
            }
            clock.advance(Duration.ofHours(1));
            byte[] fromA = feedPackage(a, "/feed/apks?package=20260521T10", analyst);
            byte[] fromB = feedPackage(b, "/feed/apks?package=20260521T10", analyst);
            assertThat(fromA).isEqualTo(fromB);
            assertThat(fromA.length).isGreaterThan(100);

        }
    }

    @Test
    void aDownloadTokenIssuedOnOneNodeWorksOnTheOther() throws Exception {
        var settings = cluster(S3ProxyServer.newBucketName("tokens"));
        try (TestServer a = firstNode(Clock.systemUTC(), settings); TestServer b = nextNode(a, Clock.systemUTC(), settings)) {
            AppFixture f = new AppFixture(a);
            var build = f.uploadAndWait(f.maintainer, "apps/a2dp.Vol_137.apk", "tiny");
            String token = AppFixture.ok(a.get("/v1/organizations/acme/apps/tiny/builds/" + build.get("id").asText()
                    + "/downloadToken?type=file", AppFixture.bearer(f.viewer))).get("token").asText();

            HttpResponse<String> onB = b.get("/v1/download/" + token);
            assertThat(onB.statusCode()).isEqualTo(302);
            URI link = URI.create(onB.headers().firstValue("Location").orElseThrow());
            // the signed link b made, followed on a
            HttpResponse<String> onA = a.get(link.getRawPath() + (link.getRawQuery() == null ? "" : "?" + link.getRawQuery()));
            assertThat(onA.statusCode()).as(onA.body()).isEqualTo(302);
            byte[] bytes = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(onA.headers().firstValue("Location")
                    .orElseThrow())).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            assertThat(bytes).isEqualTo(Files.readAllBytes(AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk")));
        }
    }

    private static byte[] feedPackage(TestServer s, String path, String token) {
        HttpResponse<byte[]> r = s.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server().port() + path))
                .header("Authorization", "Token " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** A node over PostgreSQL with a data directory of its own. */
    static TestServer firstNode(Clock clock, Map<Setting, String> settings) throws java.io.IOException {
        return TestServer.start(Backend.POSTGRESQL, Files.createTempDirectory("depot-node"), clock, settings);
    }

    /** Another node sharing only {@code first}'s database (and bucket, through {@code settings}). */
    static TestServer nextNode(TestServer first, Clock clock, Map<Setting, String> settings) throws java.io.IOException {
        return TestServer.node(first, Files.createTempDirectory("depot-node"), clock, settings);
    }

    private static long chunkRows(TestServer s) {
        return s.depot().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM upload_chunks").mapTo(Long.class).one());
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
