package dev.depot.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.config.Setting;
import dev.depot.delivery.DownloadType;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.S3ProxyServer;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
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
}
