package dev.depot.api;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.delivery.DownloadType;
import dev.depot.support.AppFixture;
import dev.depot.support.Stack;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When a request for a file counts as a download: one rule for every route that serves a build's
 * bytes. A GET whose answer begins with the first byte counts; a resume, a HEAD and a range past
 * the end do not; a Range the server ignores (malformed) is answered whole, so it counts.
 */
@ParameterizedClass
@MethodSource("dev.depot.support.Stack#all")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownloadCountingTest {
    @Parameter
    Stack stack;
    TestServer server;
    AppFixture f;
    long buildId;
    String repositoryFile;
    String fdroidFile;

    @BeforeParameterizedClassInvocation
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(stack);
        f = new AppFixture(server);
        JsonNode build = f.uploadAndWait(f.maintainer, "apps/a2dp.Vol_137.apk", "tiny");
        buildId = build.get("id").asLong();
        ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"counted\",\"title\":\"Counted\"}",
                bearer(f.maintainer)));
        ok(server.postJson("/v1/organizations/acme/repositories/counted/builds", "{\"buildId\":\"" + buildId + "\"}",
                bearer(f.maintainer)));
        JsonNode entry = ok(server.get("/v1/repositories/counted")).get("apps").get(0);
        repositoryFile = URI.create(entry.get("downloadUrl").asText()).getPath();
        fdroidFile = "/repositories/counted/fdroid/repo/" + entry.get("package").asText() + "_"
                + entry.get("versionCode").asText() + ".apk";
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("GET", List.of(), 200, 1),
                Arguments.of("GET", List.of("Range", "bytes=0-9"), 206, 1),
                Arguments.of("GET", List.of("Range", "bytes=10-"), 206, 0),
                Arguments.of("GET", List.of("Range", "bytes=-10"), 206, 0),
                Arguments.of("GET", List.of("Range", "bytes=abc"), 200, 1),
                Arguments.of("GET", List.of("Range", "bytes=0-1,5-9"), 200, 1),
                Arguments.of("GET", List.of("Range", "bytes=999999999-"), 416, 0),
                Arguments.of("GET", List.of("Range", "bytes=10-", "If-Range", "\"not-these-bytes\""), 200, 1),
                Arguments.of("HEAD", List.of(), 200, 0));
    }

    @ParameterizedTest(name = "{0} {1} on the repository's file link")
    @MethodSource("requests")
    void theRepositoryFileLink(String method, List<String> headers, int status, int counted) {
        assertCounts(repositoryFile, method, headers, status, counted);
    }

    @ParameterizedTest(name = "{0} {1} on the F-Droid repository's APK")
    @MethodSource("requests")
    void theFdroidApk(String method, List<String> headers, int status, int counted) {
        assertCounts(fdroidFile, method, headers, status, counted);
    }

    private void assertCounts(String path, String method, List<String> headers, int status, int counted) {
        long before = server.depot().downloads().countOfBuild(buildId, DownloadType.DOWNLOAD);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url(path)))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        HttpResponse<byte[]> r = server.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(server.depot().downloads().countOfBuild(buildId, DownloadType.DOWNLOAD) - before).isEqualTo(counted);
    }
}
