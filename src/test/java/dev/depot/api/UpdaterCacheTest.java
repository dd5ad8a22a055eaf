package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Principal;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Cached update-check answers: this node's changes show at once, another node's within the TTL. */
@ParameterizedClass
@EnumSource(Backend.class)
class UpdaterCacheTest {
    @Parameter
    Backend backend;

    @Test
    void anotherNodesChangeShowsWithinTheTtl() throws Exception {
        Map<Setting, String> ttl = Map.of(Setting.UPDATER_CACHE_TTL, "1s");
        try (TestServer a = TestServer.start(backend, Files.createTempDirectory("depot-cache"), Clock.systemUTC(), ttl);
             TestServer b = TestServer.secondNode(a, Clock.systemUTC(), ttl)) {
            OtaFixture f = new OtaFixture(a);
            long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(1000, 1));
            // the build's inspection job changes it on whichever node runs it, which drops that node's
            // cached answers: let it finish first, or it may land between the two reads of node a
            a.awaitNoJobs();
            String path = "/api/v1/updater/los/sunfish/gapps/";
            String before = a.get(path).body();
            assertThat(before).contains("v1.0");
            assertThat(b.get(path).body()).contains("v1.0");

            String download = java.net.URI.create(dev.depot.support.Json.parse(before).get("response").get(0).get("url").asText()).getPath();
            assertThat(a.get(download).statusCode()).isEqualTo(200);

            b.depot().ota().builds().setBuildEnabled(Principal.operator(), id, false);
            assertThat(b.get(path).statusCode()).as("the changing node sees it at once").isEqualTo(404);
            assertThat(b.get(download).statusCode()).isEqualTo(404);
            assertThat(a.get(path).body()).as("the other node may answer from its cache").isEqualTo(before);
            assertThat(a.get(download).statusCode()).as("and serve the build it looked up").isEqualTo(200);
            Thread.sleep(1_100);
            assertThat(a.get(path).statusCode()).as("but not after the TTL").isEqualTo(404);
            assertThat(a.get(download).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aZeroTtlCachesNothing() throws Exception {
        Map<Setting, String> none = Map.of(Setting.UPDATER_CACHE_TTL, "0s");
        try (TestServer a = TestServer.start(backend, Files.createTempDirectory("depot-cache"), Clock.systemUTC(), none);
             TestServer b = TestServer.secondNode(a, Clock.systemUTC(), none)) {
            OtaFixture f = new OtaFixture(a);
            long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(1000, 1));
            assertThat(a.get("/api/v1/updater/los/sunfish/gapps/").statusCode()).isEqualTo(200);
            b.depot().ota().builds().setBuildEnabled(Principal.operator(), id, false);
            assertThat(a.get("/api/v1/updater/los/sunfish/gapps/").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void largeAnswersAreStoredGzippedAndServedSoToClientsThatAskForIt() throws Exception {
        try (TestServer a = TestServer.start(backend, Files.createTempDirectory("depot-cache"), Clock.systemUTC(), Map.of())) {
            OtaFixture f = new OtaFixture(a);
            for (int day = 1; day <= 9; day++) {
                f.upload("Bliss-v1." + day + "-sunfish-OFFICIAL-gapps-2024010" + day + ".zip", OtaFixture.randomBytes(100, day));
            }
            String path = "/api/v1/updater/los/sunfish/gapps/";
            var plain = a.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(a.url(path))).GET(),
                    "Accept-Encoding", "identity");
            assertThat(plain.body().length()).isGreaterThan(1500);
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(plain.headers().firstValue("Vary")).contains("Accept-Encoding");
            var zipped = a.client().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(a.url(path)))
                    .header("Accept-Encoding", "br, gzip;q=0.8").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(zipped.statusCode()).isEqualTo(200);
            assertThat(zipped.headers().firstValue("Content-Encoding")).contains("gzip");
            assertThat(zipped.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(plain.body());
            }
            var refused = a.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(a.url(path))).GET(),
                    "Accept-Encoding", "gzip;q=0");
            assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(refused.body()).isEqualTo(plain.body());
        }
    }
}
