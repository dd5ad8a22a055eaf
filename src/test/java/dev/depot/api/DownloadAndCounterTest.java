package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.delivery.DownloadType;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.Stack;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Ranged downloads of builds, and shipper's download counters and statistics, on both databases. */
@ParameterizedClass
@MethodSource("dev.depot.support.Stack#all")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownloadAndCounterTest {
    @Parameter
    Stack stack;
    TestServer server;
    OtaFixture f;
    byte[] data;
    long buildId;
    String url;
    static final String NAME = "Bliss-v10.0-sunfish-OFFICIAL-gapps-20241010.zip";

    @BeforeParameterizedClassInvocation
    void start() {
        server = TestServer.start(stack);
        f = new OtaFixture(server);
        data = OtaFixture.randomBytes(1_234_567, 50);
        buildId = f.upload(NAME, data);
        url = Json.parse(server.get("/api/v1/updater/los/sunfish/gapps/").body()).get("response").get(0).get("url").asText();
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> fetch(String method, String link, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(link)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return server.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private long updates() {
        return server.depot().downloads().countOfBuild(buildId, DownloadType.UPDATE);
    }

    private long downloads() {
        return server.depot().downloads().countOfBuild(buildId, DownloadType.DOWNLOAD);
    }

    @Test
    void wholeDownloadHasEveryHeaderAndCountsOneUpdate() {
        long before = updates();

        HttpResponse<byte[]> r = fetch("GET", url);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);
        assertThat(r.headers().firstValue("ETag")).contains("\"" + OtaFixture.sha256(data) + "\"");
        assertThat(r.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(r.headers().firstValue("Content-Length")).contains(Integer.toString(data.length));
        assertThat(r.headers().firstValue("Content-Disposition").orElse("")).contains("filename=\"" + NAME + "\"");
        assertThat(updates()).isEqualTo(before + 1);
    }

    @Test
    void resumingWithRangeGets206AndIsNotCountedAgain() {
        long before = updates();

        HttpResponse<byte[]> r = fetch("GET", url, "Range", "bytes=1000000-");

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).contains("bytes 1000000-1234566/1234567");
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(data, 1_000_000, data.length));
        assertThat(updates()).isEqualTo(before);
    }

    @Test
    void closedAndSuffixRanges() {
        HttpResponse<byte[]> mid = fetch("GET", url, "Range", "bytes=100-199");
        assertThat(mid.statusCode()).isEqualTo(206);
        assertThat(mid.body()).isEqualTo(Arrays.copyOfRange(data, 100, 200));
        assertThat(mid.headers().firstValue("Content-Length")).contains("100");

        HttpResponse<byte[]> tail = fetch("GET", url, "Range", "bytes=-10");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));
    }

    @Test
    void aHugeLastPositionIsTheEndOverHttpToo() {
        HttpResponse<byte[]> r = fetch("GET", url, "Range", "bytes=0-9223372036854775808");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).contains("bytes 0-1234566/1234567");
        assertThat(r.body()).hasSize(1234567);
    }

    @Test
    void rangePastTheEndIs416WithTheSize() {
        HttpResponse<byte[]> r = fetch("GET", url, "Range", "bytes=5000000-");

        assertThat(r.statusCode()).isEqualTo(416);
        assertThat(r.headers().firstValue("Content-Range")).contains("bytes */1234567");
    }

    @Test
    void ifRangeHonoursOnlyTheCurrentEtag() {
        String etag = "\"" + OtaFixture.sha256(data) + "\"";

        assertThat(fetch("GET", url, "Range", "bytes=0-9", "If-Range", etag).statusCode()).isEqualTo(206);
        HttpResponse<byte[]> stale = fetch("GET", url, "Range", "bytes=0-9", "If-Range", "\"0000\"");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).hasSize(data.length);
    }

    @Test
    void headSendsHeadersOnlyAndCountsNothing() {
        long before = updates();

        HttpResponse<byte[]> r = fetch("HEAD", url);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Length")).contains(Integer.toString(data.length));
        assertThat(r.body()).isEmpty();
        assertThat(updates()).isEqualTo(before);
    }

    @Test
    void unknownMismatchedOrDisabledBuildsAreNotServed() {
        assertThat(fetch("GET", server.url("/download/builds/" + buildId + "/other.zip")).statusCode()).isEqualTo(404);
        assertThat(fetch("GET", server.url("/download/builds/abc/" + NAME)).statusCode()).isEqualTo(404);
        long off = f.upload("Bliss-v10.1-sunfish-OFFICIAL-gapps-20241011.zip", OtaFixture.randomBytes(100, 51));
        server.depot().ota().builds().setBuildEnabled(
                server.depot().auth().authenticate(f.maintainerToken), off, false);
        HttpResponse<byte[]> r = fetch("GET", server.url("/download/builds/" + off + "/Bliss-v10.1-sunfish-OFFICIAL-gapps-20241011.zip"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.parse(new String(r.body())).get("error").get("code").asInt()).isEqualTo(3001);
    }

    @Test
    void magicDownloadCountsAndRedirectsToTheFile() {
        long before = downloads();

        HttpResponse<String> r = server.get("/api/v1/general/build/magic_download/sunfish/" + NAME + "/");

        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo(server.url("/download/builds/" + buildId + "/" + NAME));
        assertThat(downloads()).isEqualTo(before + 1);
        assertThat(fetch("GET", location).body()).isEqualTo(data);
        assertThat(downloads()).isEqualTo(before + 1);
        assertThat(server.get("/api/v1/general/build/magic_download/sunfish/nope.zip/").statusCode()).isEqualTo(404);
        assertThat(server.get("/api/v1/general/build/magic_download/nodevice/" + NAME + "/").statusCode()).isEqualTo(404);
    }

    @Test
    void v2CounterStoresTheDownloadType() {
        long d = downloads();
        long u = updates();
        String baseName = NAME.substring(0, NAME.length() - 4);

        HttpResponse<String> byName = server.postJson("/api/v2/download/build/counter/",
                "{\"download_type\":\"update\",\"file_name\":\"" + baseName + "\"}");
        HttpResponse<String> byId = server.postForm("/api/v2/download/build/counter/",
                Map.of("download_type", "download", "build_id", Long.toString(buildId)));
        HttpResponse<String> latest = server.postForm("/api/latest/download/build/counter/",
                Map.of("download_type", "download", "file_name", baseName));

        for (HttpResponse<String> r : List.of(byName, byId, latest)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Json.parse(r.body())).isEqualTo(Json.parse("{\"message\":\"The request was successful!\"}"));
        }
        assertThat(updates()).isEqualTo(u + 1);
        assertThat(downloads()).isEqualTo(d + 2);
    }

    @Test
    void v2CounterErrors() {
        String p = "/api/v2/download/build/counter/";
        assertCounterError(server.postForm(p, Map.of("download_type", "install", "build_id", Long.toString(buildId))),
                400, "invalid_download_type");
        assertCounterError(server.postForm(p, Map.of("build_id", Long.toString(buildId))), 400, "invalid_download_type");
        assertCounterError(server.postForm(p, Map.of("download_type", "update", "file_name", "nope")), 404, "invalid_build_name");
        assertCounterError(server.postForm(p, Map.of("download_type", "update", "build_id", "99999")), 404, "invalid_build_id");
        assertCounterError(server.postForm(p, Map.of("download_type", "update", "build_id", "x")), 404, "invalid_build_id");
        assertCounterError(server.postForm(p, Map.of("download_type", "update")), 400, "missing_build_information");
        assertCounterError(server.postJson(p, "[1,2]"), 400, "invalid_parameters");
    }

    @Test
    void v1CounterNeedsNoType() {
        long d = downloads();
        HttpResponse<String> r = server.postForm("/api/v1/download/build/counter/", Map.of("build_id", Long.toString(buildId)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(downloads()).isEqualTo(d + 1);
    }

    @Test
    void countEndpointsReflectDownloads() {
        long day = count("day");
        long all = count("all");

        server.postForm("/api/v2/download/build/counter/", Map.of("download_type", "update", "build_id", Long.toString(buildId)));

        assertThat(count("day")).isEqualTo(day + 1);
        assertThat(count("week")).isGreaterThanOrEqualTo(count("day"));
        assertThat(count("month")).isGreaterThanOrEqualTo(count("week"));
        assertThat(count("all")).isEqualTo(all + 1);
        assertThat(server.get("/api/v1/download/count/year/").statusCode()).isEqualTo(404);
    }

    private long count(String period) {
        HttpResponse<String> r = server.get("/api/v1/download/count/" + period + "/");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode n = Json.parse(r.body());
        assertThat(n.fieldNames()).toIterable().containsExactly("count");
        return n.get("count").asLong();
    }

    @Test
    void aThousandConcurrentCounterCallsLoseNoCount() throws Exception {
        long before = updates();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                calls.add(pool.submit(() -> server.postForm("/api/v2/download/build/counter/",
                        Map.of("download_type", "update", "build_id", Long.toString(buildId))).statusCode()));
            }
            for (Future<Integer> c : calls) {
                assertThat(c.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(updates()).isEqualTo(before + 1000);
    }

    private static void assertCounterError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).isNotBlank();
    }
}
