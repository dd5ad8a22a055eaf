package dev.depot.api;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.AppFixture;
import dev.depot.support.Stack;
import dev.depot.support.TestServer;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** tus 1.0 at /v1/uploads: the reference Java client, and every error the protocol defines. */
@ParameterizedClass
@MethodSource("dev.depot.support.Stack#all")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TusUploadTest {
    @Parameter
    Stack stack;
    TestServer server;
    AppFixture f;
    byte[] apk;

    @BeforeParameterizedClassInvocation
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(stack);
        f = new AppFixture(server);
        apk = Files.readAllBytes(AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk"));
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TusClient client(TusURLMemoryStore store) throws Exception {
        TusClient c = new TusClient();
        c.setUploadCreationURL(new URL(server.url("/v1/uploads")));
        c.enableResuming(store);
        c.setHeaders(Map.of("Authorization", "Bearer " + f.maintainer));
        return c;
    }

    private TusUpload upload(Path file, String name) throws Exception {
        TusUpload u = new TusUpload(file.toFile());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("filename", name);
        meta.put("organization", "acme");
        meta.put("app", "tiny");
        meta.put("changelog", "via tus");
        meta.put("sha256", hex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        u.setMetadata(meta);
        return u;
    }

    @Test
    void theReferenceClientUploadsAndResumesAfterARestartOfTheClient() throws Exception {
        Path file = Files.write(Files.createTempFile("tus", ".apk"), apk);
        TusURLMemoryStore store = new TusURLMemoryStore();

        TusUploader first = client(store).resumeOrCreateUpload(upload(file, "a2dp-tus.apk"));
        first.setChunkSize(100_000);
        first.setRequestPayloadSize(100_000);
        assertThat(first.uploadChunk()).isPositive();
        assertThat(first.uploadChunk()).isPositive();
        long offsetBeforeCrash = first.getOffset();
        // the client "crashes": a new client with the same URL store resumes from the server's offset

        TusUploader second = client(store).resumeOrCreateUpload(upload(file, "a2dp-tus.apk"));
        assertThat(second.getOffset()).isEqualTo(offsetBeforeCrash);
        second.setChunkSize(64 * 1024);
        while (second.uploadChunk() > -1) {
            // keep going
        }
        second.finish();

        JsonNode builds = ok(server.get("/v1/organizations/acme/apps/tiny/builds", bearer(f.viewer)));
        JsonNode build = null;
        for (JsonNode b : builds) {
            if (b.get("fileName").asText().equals("a2dp-tus.apk")) {
                build = b;
            }
        }
        assertThat(build).isNotNull();
        JsonNode done = f.waitProcessed(f.viewer, build.get("id").asText());
        assertThat(done.get("status").asText()).isEqualTo("processed");
        assertThat(done.get("changelog").asText()).isEqualTo("via tus");
        assertThat(done.get("facts").get("packageName").asText()).isEqualTo("a2dp.Vol");
    }

    @Test
    void romBuildsGoUpOverTusUnderShippersRulesButNotWithAnAppToken() throws Exception {
        var ota = server.depot().ota();
        if (ota.devices().device("sunfish").isEmpty()) {
            ota.devices().addDevice("sunfish", "Pixel 4a", "Google");
            ota.devices().addVariant("gapps", "With Google apps", null);
            ota.devices().addMaintainer("sunfish", "mark");
        }
        byte[] rom = dev.depot.support.OtaFixture.randomBytes(300_000, 21);
        Path file = Files.write(Files.createTempFile("tus", ".zip"), rom);
        TusUpload u = new TusUpload(file.toFile());
        u.setMetadata(Map.of("filename", "Bliss-v9.0-sunfish-OFFICIAL-gapps-20240901.zip", "target", "ota", "changelog", "tus ROM"));
        TusUploader up = client(new TusURLMemoryStore()).resumeOrCreateUpload(u);
        up.setChunkSize(64 * 1024);
        while (up.uploadChunk() > -1) {
            // keep going
        }
        up.finish();
        var build = ota.builds().buildByFileName("Bliss-v9.0-sunfish-OFFICIAL-gapps-20240901.zip").orElseThrow();
        assertThat(build.sha256()).isEqualTo(hex(MessageDigest.getInstance("SHA-256").digest(rom)));
        assertThat(build.changelog()).isEqualTo("tus ROM");

        String meta = "filename " + b64("Bliss-v9.1-sunfish-OFFICIAL-gapps-20240902.zip") + ",target " + b64("ota");
        String appToken = ok(server.postJson("/v1/organizations/acme/apps/tiny/tokens", "{\"scopes\":\"read,upload\"}",
                bearer(f.maintainer))).get("token").asText();
        assertThat(tus("POST", "/v1/uploads", null, "Authorization", "Bearer " + appToken, "Tus-Resumable", "1.0.0",
                "Upload-Length", "10", "Upload-Metadata", meta).statusCode()).as("an app's token").isEqualTo(403);
        assertThat(tus("POST", "/v1/uploads", null, "Authorization", "Bearer " + f.outsider, "Tus-Resumable", "1.0.0",
                "Upload-Length", "10", "Upload-Metadata", meta).statusCode()).as("not a maintainer of the device").isEqualTo(403);
        String badName = "filename " + b64("not-a-rom.zip") + ",target " + b64("ota");
        assertThat(tus("POST", "/v1/uploads", null, "Authorization", "Bearer " + f.maintainer, "Tus-Resumable", "1.0.0",
                "Upload-Length", "10", "Upload-Metadata", badName).statusCode()).isEqualTo(400);
        assertThat(tus("POST", "/v1/uploads", null, "Authorization", "Bearer " + f.maintainer, "Tus-Resumable", "1.0.0",
                "Upload-Length", "10", "Upload-Metadata", meta).statusCode()).isEqualTo(201);
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpResponse<String> tus(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : server.url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return server.send(b, headers);
    }

    private String[] h(String... more) {
        String[] base = {"Tus-Resumable", "1.0.0", "Authorization", "Bearer " + f.maintainer};
        String[] out = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    private static String meta(String... kv) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (!s.isEmpty()) {
                s.append(',');
            }
            s.append(kv[i]).append(' ').append(Base64.getEncoder().encodeToString(kv[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return s.toString();
    }

    private String create(long length, String name) {
        HttpResponse<String> r = tus("POST", "/v1/uploads", null, h("Upload-Length", Long.toString(length),
                "Upload-Metadata", meta("filename", name, "organization", "acme", "app", "tiny")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Tus-Resumable")).contains("1.0.0");
        assertThat(r.headers().firstValue("Upload-Expires")).isPresent();
        return r.headers().firstValue("Location").orElseThrow();
    }

    @Test
    void optionsAdvertisesTheExtensions() {
        HttpResponse<String> r = tus("OPTIONS", "/v1/uploads", null);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Tus-Version")).contains("1.0.0");
        assertThat(r.headers().firstValue("Tus-Max-Size")).contains("5000000000");
        assertThat(r.headers().firstValue("Tus-Extension")).contains("creation,creation-with-upload,checksum,termination,expiration");
        assertThat(r.headers().firstValue("Tus-Checksum-Algorithm")).contains("sha1,sha256");
    }

    @Test
    void creationWithUploadAndHead() {
        HttpResponse<String> r = tus("POST", "/v1/uploads", Arrays.copyOf(apk, 1000), h("Upload-Length", Integer.toString(apk.length),
                "Upload-Metadata", meta("filename", "cwu.apk", "organization", "acme", "app", "tiny"),
                "Content-Type", "application/offset+octet-stream"));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Upload-Offset")).contains("1000");
        String location = r.headers().firstValue("Location").orElseThrow();

        HttpResponse<String> head = tus("HEAD", location, null, h());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Upload-Offset")).contains("1000");
        assertThat(head.headers().firstValue("Upload-Length")).contains(Integer.toString(apk.length));
        assertThat(head.headers().firstValue("Cache-Control")).contains("no-store");

        HttpResponse<String> rest = tus("PATCH", location, Arrays.copyOfRange(apk, 1000, apk.length),
                h("Upload-Offset", "1000", "Content-Type", "application/offset+octet-stream"));
        assertThat(rest.statusCode()).isEqualTo(204);
        assertThat(rest.headers().firstValue("Upload-Offset")).contains(Integer.toString(apk.length));
        assertThat(rest.headers().firstValue("Depot-Build-Id")).isPresent();
    }

    /** A client that lost the last PATCH's answer learns its build from HEAD, until the session expires. */
    @Test
    void aCompletedUploadStillAnswersHeadWithItsBuild() {
        String location = create(apk.length, "done.apk");
        HttpResponse<String> last = tus("PATCH", location, apk, h("Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"));
        assertThat(last.statusCode()).isEqualTo(204);
        String buildId = last.headers().firstValue("Depot-Build-Id").orElseThrow();

        HttpResponse<String> head = tus("HEAD", location, null, h());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Upload-Offset")).contains(Integer.toString(apk.length));
        assertThat(head.headers().firstValue("Upload-Length")).contains(Integer.toString(apk.length));
        assertThat(head.headers().firstValue("Depot-Build-Id")).contains(buildId);
        assertThat(head.headers().firstValue("Depot-Build-Url")).contains(server.url("/v1/organizations/acme/apps/tiny/builds/" + buildId));
        HttpResponse<String> empty = tus("PATCH", location, new byte[0], h("Upload-Offset", Integer.toString(apk.length),
                "Content-Type", "application/offset+octet-stream"));
        assertThat(empty.statusCode()).isEqualTo(204);
        assertThat(empty.headers().firstValue("Depot-Build-Id")).contains(buildId);
        assertThat(tus("PATCH", location, new byte[1], h("Upload-Offset", Integer.toString(apk.length),
                "Content-Type", "application/offset+octet-stream")).statusCode()).isEqualTo(400);
    }

    /** tus asks a server to keep as much of a body as it received: a PATCH cut short keeps what arrived. */
    @Test
    void aPatchCutShortKeepsWhatArrived() throws Exception {
        String location = create(apk.length, "cut.apk");
        URI uri = URI.create(location);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            var out = socket.getOutputStream();
            out.write(("PATCH " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer " + f.maintainer
                    + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                    + "Content-Length: " + apk.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(apk, 0, 3000);
            out.flush();
            Thread.sleep(200);
        }
        String offset = null;
        for (int i = 0; i < 100 && !"3000".equals(offset); i++) {
            Thread.sleep(50);
            offset = tus("HEAD", location, null, h()).headers().firstValue("Upload-Offset").orElseThrow();
        }
        assertThat(offset).isEqualTo("3000");
        HttpResponse<String> rest = tus("PATCH", location, Arrays.copyOfRange(apk, 3000, apk.length),
                h("Upload-Offset", "3000", "Content-Type", "application/offset+octet-stream"));
        assertThat(rest.statusCode()).isEqualTo(204);
        long id = Long.parseLong(rest.headers().firstValue("Depot-Build-Id").orElseThrow());
        assertThat(server.depot().catalog().builds().build(dev.depot.auth.Principal.operator(), id).sha256())
                .isEqualTo(hex(sha256(apk)));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUploadForAnUnknownAppSaysWhatIsMissing() {
        HttpResponse<String> r = tus("POST", "/v1/uploads", null, h("Upload-Length", "10",
                "Upload-Metadata", meta("filename", "x.apk", "organization", "acme", "app", "nope")));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("There is no app 'nope' in acme.");
        HttpResponse<String> org = tus("POST", "/v1/uploads", null, h("Upload-Length", "10",
                "Upload-Metadata", meta("filename", "x.apk", "organization", "nowhere", "app", "tiny")));
        assertThat(org.body()).contains("There is no organization 'nowhere' that you are a member of.");
    }

    @Test
    void offsetMismatchIs409() {
        String location = create(apk.length, "o.apk");
        HttpResponse<String> r = tus("PATCH", location, Arrays.copyOf(apk, 10),
                h("Upload-Offset", "5", "Content-Type", "application/offset+octet-stream"));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.headers().firstValue("Tus-Resumable")).contains("1.0.0");
    }

    @Test
    void unknownUploadIs404() {
        assertThat(tus("HEAD", "/v1/uploads/00000000-0000-0000-0000-000000000000", null, h()).statusCode()).isEqualTo(404);
        assertThat(tus("PATCH", "/v1/uploads/nope", new byte[1], h("Upload-Offset", "0",
                "Content-Type", "application/offset+octet-stream")).statusCode()).isEqualTo(404);
    }

    @Test
    void wrongTusResumableIs412() {
        HttpResponse<String> r = tus("POST", "/v1/uploads", null, "Tus-Resumable", "0.2.2", "Authorization",
                "Bearer " + f.maintainer, "Upload-Length", "10");
        assertThat(r.statusCode()).isEqualTo(412);
        assertThat(r.headers().firstValue("Tus-Version")).contains("1.0.0");
    }

    @Test
    void aChunkThatFailsItsChecksumIs460AndDiscarded() throws Exception {
        String location = create(apk.length, "c.apk");
        byte[] chunk = Arrays.copyOf(apk, 4096);
        String wrong = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(new byte[] {1}));
        HttpResponse<String> r = tus("PATCH", location, chunk, h("Upload-Offset", "0", "Upload-Checksum", "sha1 " + wrong,
                "Content-Type", "application/offset+octet-stream"));
        assertThat(r.statusCode()).isEqualTo(460);
        assertThat(tus("HEAD", location, null, h()).headers().firstValue("Upload-Offset")).contains("0");

        String right = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(chunk));
        HttpResponse<String> ok = tus("PATCH", location, chunk, h("Upload-Offset", "0", "Upload-Checksum", "sha256 " + right,
                "Content-Type", "application/offset+octet-stream"));
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(ok.headers().firstValue("Upload-Offset")).contains("4096");
        assertThat(tus("PATCH", location, chunk, h("Upload-Offset", "4096", "Upload-Checksum", "md5 AAAA",
                "Content-Type", "application/offset+octet-stream")).statusCode()).isEqualTo(400);
    }

    @Test
    void aWrongWholeFileSha256Is460AndNoBuildIsMade() {
        HttpResponse<String> r = tus("POST", "/v1/uploads", null, h("Upload-Length", Integer.toString(apk.length),
                "Upload-Metadata", meta("filename", "bad-sum.apk", "organization", "acme", "app", "tiny", "sha256", "00".repeat(32))));
        String location = r.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> patch = tus("PATCH", location, apk, h("Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"));
        assertThat(patch.statusCode()).isEqualTo(460);
        assertThat(ok(server.get("/v1/organizations/acme/apps/tiny/builds", bearer(f.viewer))).toString()).doesNotContain("bad-sum.apk");
    }

    @Test
    void terminationRemovesTheUpload() {
        String location = create(100, "t.apk");
        assertThat(tus("DELETE", location, null, h()).statusCode()).isEqualTo(204);
        assertThat(tus("HEAD", location, null, h()).statusCode()).isEqualTo(404);
    }

    @Test
    void otherErrors() {
        assertThat(tus("POST", "/v1/uploads", null, h("Upload-Length", "6000000000",
                "Upload-Metadata", meta("filename", "big.apk", "organization", "acme", "app", "tiny"))).statusCode()).isEqualTo(413);
        assertThat(tus("POST", "/v1/uploads", null, h("Upload-Length", "10")).statusCode()).isEqualTo(400);
        assertThat(tus("POST", "/v1/uploads", null, h("Upload-Length", "10",
                "Upload-Metadata", meta("filename", "x.apk", "organization", "globex", "app", "secret"))).statusCode()).isEqualTo(404);
        assertThat(tus("POST", "/v1/uploads", null, "Tus-Resumable", "1.0.0", "Upload-Length", "10").statusCode()).isEqualTo(401);
        String location = create(100, "m.apk");
        assertThat(tus("PATCH", location, new byte[10], h("Upload-Offset", "0", "Content-Type", "text/plain")).statusCode()).isEqualTo(415);
        assertThat(tus("PATCH", location, new byte[200], h("Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"))
                .statusCode()).isEqualTo(400);
    }

    static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
