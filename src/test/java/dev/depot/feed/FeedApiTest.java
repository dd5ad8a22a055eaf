package dev.depot.feed;

import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.MutableClock;
import dev.depot.support.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Koodous' feed (seed 000): packages, names, errors, links, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class FeedApiTest {
    @Parameter
    Backend backend;
    // 10:02 UTC: inside the 10:00 window
    MutableClock clock = new MutableClock(Instant.parse("2026-05-21T10:02:00Z"));
    TestServer server;
    AppFixture f;
    String feedToken;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(backend, Files.createTempDirectory("depot-feed"), clock, Map.of());
        f = new AppFixture(server);
        feedToken = server.userWithToken("analyst", false, Scope.FEED);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<byte[]> feed(String query, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url("/feed/apks" + query)));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return server.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> feed(String query) {
        return feed(query, "Authorization", "Token " + feedToken);
    }

    static List<String> samples(byte[] zip) throws Exception {
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e = z.getNextEntry();
            assertThat(e.getName()).isEqualTo("samples");
            String text = new String(z.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(z.getNextEntry()).as("one entry only").isNull();
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private JsonNode submit(String corpusPath) throws Exception {
        byte[] apk = Files.readAllBytes(AppFixture.APKS.resolve(corpusPath));
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/samples")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(apk)), "Authorization", "Token " + f.maintainer);
        return ok(r);
    }

    @Test
    void everyApkReceivedInAWindowIsListedOnceInItsPackage() throws Exception {
        f.uploadAndWaitQuietly("apps/hello-world.apk");
        JsonNode sample = submit("apps/com.politedroid_4.apk");
        assertThat(sample.get("new").asBoolean()).isTrue();
        assertThat(submit("apps/com.politedroid_4.apk").get("new").asBoolean()).isFalse();
        f.uploadAndWaitQuietly("apps/hello-world.apk"); // the same bytes again: not a new sample
        clock.advance(Duration.ofMinutes(4)); // 10:06: the 10:00 window is closed

        HttpResponse<byte[]> r = feed("");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/zip");
        assertThat(r.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"apk_20260521T1000.zip\"");
        List<String> lines = samples(r.body());
        assertThat(lines).hasSize(2);
        assertThat(lines).extracting(l -> l.split(";")[0]).containsExactlyInAnyOrder(
                sha256(Files.readAllBytes(AppFixture.APKS.resolve("apps/hello-world.apk"))), sample.get("sha256").asText());
        assertThat(r.headers().firstValue("ETag")).contains("\"" + sha256(r.body()) + "\"");
        assertThat(feed("?package=20260521T1000").body()).isEqualTo(r.body());
        HttpResponse<byte[]> head = server.send(HttpRequest.newBuilder(URI.create(server.url("/feed/apks?package=20260521T1000")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Token " + feedToken).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).contains(Integer.toString(r.body().length));
        assertThat(head.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"apk_20260521T1000.zip\"");
    }

    @Test
    void linksNeedNoTokenSupportRangesAndAreCounted() throws Exception {
        byte[] apk = Files.readAllBytes(AppFixture.APKS.resolve("apps/com.politedroid_4.apk"));
        submit("apps/com.politedroid_4.apk");
        clock.advance(Duration.ofMinutes(4));
        String link = samples(feed("").body()).getFirst().split(";")[1];

        HttpResponse<byte[]> whole = server.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(apk);
        HttpResponse<byte[]> part = server.send(HttpRequest.newBuilder(URI.create(link)).header("Range", "bytes=100-199").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(apk, 100, 200));
        assertThat(server.depot().feed().receipts().downloadsSince(null)).isEqualTo(1);
        assertThat(Json.parse(server.get("/v1/stats/downloads", "Authorization", "Bearer " + f.viewer).body())
                .get("data").get("feed").asLong()).isEqualTo(1);

        clock.advance(Duration.ofDays(7)); // still valid after a week
        assertThat(server.send(HttpRequest.newBuilder(URI.create(link)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        String forged = link.replaceFirst("/feed/files/s\\.", "/feed/files/s.0");
        assertThat(server.send(HttpRequest.newBuilder(URI.create(forged)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(404);
    }

    @Test
    void theHourIsExactlyItsTwelveFiveMinutePackages() throws Exception {
        String[] apks = {"apps/com.politedroid_4.apk", "apps/hello-world.apk", "apps/TestActivity.apk", "apps/Test-debug.apk"};
        for (String apk : apks) {
            submit(apk);
            clock.advance(Duration.ofMinutes(13)); // spread over several windows of the 10:00 hour
        }
        clock.advance(Duration.ofMinutes(10)); // past 11:00
        List<String> fromWindows = new ArrayList<>();
        for (int m = 0; m < 60; m += 5) {
            HttpResponse<byte[]> r = feed("?package=20260521T10" + String.format("%02d", m));
            assertThat(r.statusCode()).isEqualTo(200);
            fromWindows.addAll(samples(r.body()));
        }
        HttpResponse<byte[]> hour = feed("?package=20260521T10");
        assertThat(hour.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"apk_20260521T10.zip\"");
        assertThat(samples(hour.body())).isEqualTo(fromWindows).hasSize(4);
    }

    @Test
    void aOneDigitHourIsAccepted() {
        clock.advance(Duration.ofHours(20));
        HttpResponse<byte[]> r = feed("?package=20260521T5");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"apk_20260521T5.zip\"");
    }

    @Test
    void malformedPackageNamesAre400WithTheReason() {
        clock.advance(Duration.ofDays(1));
        for (String[] c : new String[][] {{"20260521T1013", "00, 05"}, {"2026-05-21T10", "neither"}, {"20260521T24", "hour"},
                {"20261321T10", "month"}, {"20260231T10", "does not exist"}, {"", "empty"}, {"20260521T105", "neither"}}) {
            HttpResponse<byte[]> r = feed("?package=" + c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(c[0]).contains(c[1]);
        }
    }

    @Test
    void packagesNotYetClosedOrOlderThanAWeekAre404() {
        HttpResponse<byte[]> open = feed("?package=20260521T1000");
        assertThat(open.statusCode()).isEqualTo(404);
        assertThat(open.headers().firstValue("Retry-After")).contains("180");
        assertThat(feed("?package=20300101T10").statusCode()).isEqualTo(404);
        clock.advance(Duration.ofDays(7).plusMinutes(10));
        HttpResponse<byte[]> old = feed("?package=20260521T1000");
        assertThat(old.statusCode()).isEqualTo(404);
        assertThat(old.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void onlyTokensWithTheFeedPrivilegeGetPackages() {
        clock.advance(Duration.ofMinutes(10));
        String everythingButFeed = server.userWithToken("busy", false, Scope.READ, Scope.UPLOAD, Scope.PUBLISH);
        assertThat(feed("", "Authorization", "Token " + everythingButFeed).statusCode()).isEqualTo(401);
        assertThat(feed("", "X-None", "1").statusCode()).isEqualTo(401);
        assertThat(feed("", "Authorization", "Token dpt_bogus").statusCode()).isEqualTo(401);
        assertThat(feed("", "Authorization", "Token " + f.admin).statusCode()).isEqualTo(200);
    }

    @Test
    void jsonLinesAndStatus() throws Exception {
        JsonNode s = submit("apps/com.politedroid_4.apk");
        clock.advance(Duration.ofMinutes(4));
        HttpResponse<byte[]> r = feed("?package=20260521T1000&format=jsonl");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode line = Json.parse(new String(r.body(), StandardCharsets.UTF_8).split("\n")[0]);
        assertThat(line.get("sha256").asText()).isEqualTo(s.get("sha256").asText());
        assertThat(line.get("package_name").asText()).isEqualTo("com.politedroid");
        assertThat(line.get("version_code").asLong()).isEqualTo(4);
        assertThat(line.get("md5").asText()).hasSize(32);
        assertThat(line.get("sha1").asText()).hasSize(40);
        assertThat(line.get("download_url").asText()).contains("/feed/files/");

        JsonNode status = Json.parse(new String(server.get("/feed/apks/status", "Authorization", "Token " + feedToken).body()
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        assertThat(status.get("latest").asText()).isEqualTo("20260521T1000");
        assertThat(status.get("fiveMinutes").get(status.get("fiveMinutes").size() - 1).get("samples").asInt()).isEqualTo(1);
    }

    /** A sample is inspected as builds are: on a thread of its own, given up after inspect.time-limit. */
    @Test
    void aSampleThatTakesTooLongToReadIsListedWithoutItsManifest() throws Exception {
        server.close();
        server = TestServer.start(backend, Files.createTempDirectory("depot-feed"), clock, Map.of(
                dev.depot.config.Setting.INSPECT_TIME_LIMIT, "0s"));
        String token = server.userWithToken("sampler", false, Scope.UPLOAD);
        byte[] apk = Files.readAllBytes(AppFixture.APKS.resolve("apps/com.politedroid_4.apk"));
        long t0 = System.nanoTime();
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/samples")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(apk)), "Authorization", "Token " + token);
        JsonNode sample = ok(r);
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
        assertThat(sample.get("sha256").asText()).isEqualTo(sha256(apk));
        assertThat(sample.get("new").asBoolean()).isTrue();
        assertThat(sample.get("packageName").isNull()).as("its manifest was not waited for").isTrue();
    }

    @Test
    void samplesMustBeApks() {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/samples")))
                .POST(HttpRequest.BodyPublishers.ofString("not an apk")), "Authorization", "Token " + f.maintainer);
        assertThat(r.statusCode()).isEqualTo(400);
        HttpResponse<String> viewer = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/samples")))
                .POST(HttpRequest.BodyPublishers.ofString("x")), "Authorization", "Token " + f.viewer);
        assertThat(viewer.statusCode()).isEqualTo(403);
    }

    @Test
    void thousandsOfSamplesInOneWindowMakeOneCorrectPackage() throws Exception {
        FeedReceipts feed = server.depot().feed().receipts();
        for (int i = 0; i < 3000; i++) {
            feed.receive(String.format("%064x", i), 1000 + i, null, null, null, null, null);
        }
        clock.advance(Duration.ofMinutes(4));
        List<String> lines = samples(feed("").body());
        assertThat(lines).hasSize(3000);
        assertThat(lines.stream().map(l -> l.split(";")[0]).distinct()).hasSize(3000);
    }

    @Test
    void aReceiptForASealedWindowJoinsTheNextOne() throws Exception {
        FeedReceipts feed = server.depot().feed().receipts();
        clock.advance(Duration.ofMinutes(4));
        assertThat(samples(feed("").body())).isEmpty(); // 10:00 sealed, empty
        clock.advance(Duration.ofMinutes(-5)); // a node whose clock is behind receives an APK "at 10:01"
        feed.receive("ab".repeat(32), 1, null, null, null, null, null);
        clock.advance(Duration.ofMinutes(10)); // 10:11
        assertThat(samples(feed("?package=20260521T1000").body())).isEmpty();
        assertThat(samples(feed("?package=20260521T1005").body())).hasSize(1);
    }

    @Test
    void expiredPackagesAreRemovedByTheCleanup() throws Exception {
        submit("apps/com.politedroid_4.apk");
        clock.advance(Duration.ofMinutes(4));
        assertThat(feed("").statusCode()).isEqualTo(200);
        String sample = samples(feed("").body()).getFirst().split(";")[0];
        clock.advance(Duration.ofDays(8));
        assertThat(server.depot().feed().receipts().removeExpired()).isPositive();
        assertThat(feed("?package=20260521T1000").statusCode()).isEqualTo(404);
        clock.advance(Duration.ofDays(1));
        server.depot().feed().receipts().removeExpired();
        assertThat(server.depot().blobs().exists(new dev.depot.storage.BlobKey(sample))).as("an orphan sample goes").isFalse();
    }
}
