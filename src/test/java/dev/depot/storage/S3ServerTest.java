package dev.depot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.config.ConfigException;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.server.Depot;
import dev.depot.support.AppFixture;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Depot with its blobs in S3 (S3Proxy): uploads, presigned redirects, inspection, missing blobs. */
@ParameterizedClass
@EnumSource(Backend.class)
class S3ServerTest {
    @Parameter
    Backend backend;
    static final S3ProxyServer proxy = S3ProxyServer.shared();

    static Map<Setting, String> s3(String bucket, String redirect) {
        return proxy.depotSettings(bucket, redirect);
    }

    @Test
    void romUploadsLandInTheBucketAndDownloadsRedirectToPresignedUrls() throws Exception {
        try (TestServer server = TestServer.start(backend, Files.createTempDirectory("depot-s3"), Clock.systemUTC(),
                s3(S3ProxyServer.newBucketName("depot-rom"), "auto"))) {
            assertThat(server.depot().blobs()).isInstanceOf(S3BlobStore.class);
            OtaFixture f = new OtaFixture(server);
            byte[] data = OtaFixture.randomBytes(2_500_000, 7);
            f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", data);
            String url = Json.parse(server.get("/api/v1/updater/los/sunfish/gapps/").body()).get("response").get(0).get("url").asText();

            HttpResponse<String> r = server.get(url.substring(url.indexOf("/download/")));
            assertThat(r.statusCode()).isEqualTo(302);
            String presigned = r.headers().firstValue("Location").orElseThrow();
            assertThat(presigned).startsWith(proxy.endpoint());
            HttpResponse<byte[]> bytes = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(presigned))
                    .header("Range", "bytes=1000-1999").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bytes.statusCode()).isEqualTo(206);
            assertThat(bytes.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 2000));
            assertThat(Json.parse(server.get("/readyz").body()).get("blobs").asText()).isEqualTo("ok");
        }
    }

    @Test
    void appBuildsAreInspectedFromTheBucketAndAMissingBlobIsAClear404() throws Exception {
        String bucket = S3ProxyServer.newBucketName("depot-app");
        try (TestServer server = TestServer.start(backend, Files.createTempDirectory("depot-s3"), Clock.systemUTC(),
                s3(bucket, "false"))) {
            AppFixture f = new AppFixture(server);
            var b = f.uploadAndWait(f.maintainer, "apps/a2dp.Vol_137.apk", "tiny");
            assertThat(b.get("status").asText()).isEqualTo("processed");
            assertThat(b.get("facts").get("packageName").asText()).isEqualTo("a2dp.Vol");
            String token = AppFixture.ok(server.get("/v1/organizations/acme/apps/tiny/builds/" + b.get("id").asText()
                    + "/downloadToken?type=file", AppFixture.bearer(f.viewer))).get("token").asText();
            String link = server.get("/v1/download/" + token).headers().firstValue("Location").orElseThrow();
            byte[] apk = Files.readAllBytes(AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk"));
            assertThat(server.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofByteArray()).body())
                    .isEqualTo(apk);

            server.depot().blobs().delete(new BlobKey(b.get("sha256").asText()));
            HttpResponse<String> missing = server.send(HttpRequest.newBuilder(URI.create(link)));
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("missing from storage");
            HttpResponse<String> ready = server.get("/readyz");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        }
    }

    @Test
    void wrongCredentialsStopTheServerWithAClearMessage() throws Exception {
        String bucket = S3ProxyServer.newBucketName("depot-bad");
        Settings settings = Settings.defaults().with(Setting.DATA, Files.createTempDirectory("depot-bad").toString());
        for (var e : s3(bucket, "auto").entrySet()) {
            settings = settings.with(e.getKey(), e.getValue());
        }
        Settings wrongSecret = settings.with(Setting.S3_SECRET_KEY, "not-the-secret");
        assertThatThrownBy(() -> Depot.open(wrongSecret, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot use bucket " + bucket);
        Settings noBucket = settings.with(Setting.S3_BUCKET, "");
        assertThatThrownBy(() -> Depot.open(noBucket, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("storage is s3 but s3.bucket is empty");
        Settings unknown = settings.with(Setting.STORAGE, "tape");
        assertThatThrownBy(() -> Depot.open(unknown, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage must be filesystem or s3");
        try (Depot depot = Depot.open(settings, Clock.systemUTC())) {
            assertThat(depot.blobs()).isInstanceOf(S3BlobStore.class);
        }
    }

    @Test
    void serveExitsNonZeroWithTheReasonWhenTheBucketRefusesItsCredentials() throws Exception {
        String bucket = S3ProxyServer.newBucketName("depot-serve");
        var settings = new java.util.Properties();
        s3(bucket, "auto").forEach((k, v) -> settings.setProperty(k.key(), v));
        settings.setProperty(Setting.S3_SECRET_KEY.key(), "wrong-secret");
        settings.setProperty(Setting.PORT.key(), "0");
        settings.setProperty(Setting.PUBLIC_URL.key(), "http://127.0.0.1:1");
        java.nio.file.Path dir = Files.createTempDirectory("depot-serve-bad");
        java.nio.file.Path file = dir.resolve("depot.properties");
        try (var out = Files.newOutputStream(file)) {
            settings.store(out, null);
        }
        var run = dev.depot.support.CliRun.depot(null, "serve", "--config", file.toString(), "--data", dir.resolve("data").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("cannot use bucket " + bucket).doesNotContain("wrong-secret");
    }
}
