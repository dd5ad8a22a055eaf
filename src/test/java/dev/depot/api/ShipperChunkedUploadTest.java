package dev.depot.api;

import static dev.depot.support.ApiAssertions.assertShipperDetail;
import static dev.depot.support.ApiAssertions.assertShipperError;
import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Scope;
import dev.depot.storage.BlobKey;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.ShippyClient;
import dev.depot.support.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The chunked upload exactly as shippy sends it, and every way it can go wrong, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShipperChunkedUploadTest {
    @Parameter
    Backend backend;
    TestServer server;
    OtaFixture f;
    ShippyClient shippy;

    @BeforeParameterizedClassInvocation
    void start() {
        server = TestServer.start(backend);
        f = new OtaFixture(server);
        shippy = f.shippy;
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    @Test
    void multiChunkUploadBecomesABuildWithShippersSuccessMessage() {
        byte[] data = OtaFixture.randomBytes(2_345_678, 21);
        String id = f.uploadChunks("Bliss-v3.0-sunfish-OFFICIAL-gapps-20240303.zip", data);

        HttpResponse<String> done = shippy.finalizeUpload(id, OtaFixture.sha256(data));

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode body = Json.parse(done.body());
        assertThat(body.get("message").asText()).isEqualTo("Build has been uploaded for device Google Pixel 4a (sunfish)!");
        long buildId = body.get("build_id").asLong();
        var build = server.depot().ota().builds().build(buildId).orElseThrow();
        assertThat(build.size()).isEqualTo(data.length);
        assertThat(build.sha256()).isEqualTo(OtaFixture.sha256(data));
        assertThat(build.md5()).isEqualTo(md5(data));
        assertThat(server.get("/api/v1/updater/los/sunfish/gapps/").body()).contains("Bliss-v3.0-sunfish");
    }

    @Test
    void uploadListShowsSessionsInDrfChunkedUploadShape() {
        byte[] data = OtaFixture.randomBytes(1_500_000, 22);
        HttpResponse<String> first = shippy.putChunk(null, "Bliss-v3.1-sunfish-OFFICIAL-gapps-20240303.zip",
                java.util.Arrays.copyOf(data, ShippyClient.CHUNK_SIZE), 0, data.length);
        JsonNode created = Json.parse(first.body());
        assertThat(created.fieldNames()).toIterable().contains("id", "url", "file", "filename", "offset", "created_at",
                "status", "completed_at", "user");
        assertThat(created.get("url").asText()).isEqualTo(
                server.url("/api/v1/maintainers/chunked_upload/" + created.get("id").asText() + "/"));
        assertThat(created.get("status").asInt()).isEqualTo(1);

        JsonNode listed = findUpload(created.get("id").asText());
        assertThat(listed.get("filename").asText()).isEqualTo("Bliss-v3.1-sunfish-OFFICIAL-gapps-20240303.zip");
        assertThat(listed.get("offset").asLong()).isEqualTo(ShippyClient.CHUNK_SIZE);
        assertThat(Json.parse(new ShippyClient(server, f.outsiderToken).list().body())).isEmpty();
    }

    @Test
    void sessionAliasPathOfTheSeedWorks() {
        byte[] data = OtaFixture.randomBytes(10, 23);
        HttpResponse<String> r = shippy.putMultipart("/api/v1/maintainers/device/chunked_upload/",
                "Bliss-v3.2-sunfish-OFFICIAL-gapps-20240303.zip", data, "bytes 0-9/10");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = Json.parse(r.body()).get("id").asText();
        HttpResponse<String> done = server.postForm("/api/v1/maintainers/device/chunked_upload/" + id + "/",
                Map.of("sha256", OtaFixture.sha256(data)), auth(f.maintainerToken));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    }

    @Test
    void missingOrMalformedContentRange() {
        String name = "Bliss-v4.0-sunfish-OFFICIAL-gapps-20240404.zip";
        byte[] data = OtaFixture.randomBytes(10, 24);
        assertShipperDetail(shippy.putMultipart("/api/v1/maintainers/chunked_upload/", name, data, null), 400, "Error in request headers");
        assertShipperDetail(shippy.putMultipart("/api/v1/maintainers/chunked_upload/", name, data, "bytes 0-9"), 400, "Error in request headers");
        assertShipperDetail(shippy.putMultipart("/api/v1/maintainers/chunked_upload/", name, data, "bytes=0-9/10"), 400, "Error in request headers");
        assertShipperDetail(shippy.putMultipart("/api/v1/maintainers/chunked_upload/", name, data, "bytes 9-0/10"), 400,
                "Error in request headers: the range must lie within the total");
    }

    @Test
    void noChunkSubmitted() {
        assertShipperDetail(shippy.putMultipart("/api/v1/maintainers/chunked_upload/", "Bliss-v4.1-sunfish-OFFICIAL-gapps-20240404.zip",
                null, "bytes 0-9/10"), 400, "No chunk file was submitted");
    }

    @Test
    void aMalformedMultipartBodyIsABadRequest() {
        HttpResponse<String> r = server.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.url("/api/v1/maintainers/chunked_upload/")))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("--x\r\nnot a part at all")),
                "Content-Type", "multipart/form-data; boundary=x", "Content-Range", "bytes 0-9/10",
                "Authorization", "Token " + f.maintainerToken);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Json.parse(r.body()).get("detail").asText()).startsWith("The chunk could not be read");
    }

    @Test
    void chunkPastTheTotal() {
        String name = "Bliss-v4.2-sunfish-OFFICIAL-gapps-20240404.zip";
        String id = Json.parse(shippy.putChunk(null, name, OtaFixture.randomBytes(10, 25), 0, 15).body()).get("id").asText();

        HttpResponse<String> r = shippy.putMultipart("/api/v1/maintainers/chunked_upload/" + id + "/", name,
                OtaFixture.randomBytes(10, 26), "bytes 10-19/15");

        assertShipperDetail(r, 400, "Error in request headers: the range must lie within the total");
    }

    @Test
    void offsetsThatDoNotMatchNameTheExpectedOffset() {
        String name = "Bliss-v4.3-sunfish-OFFICIAL-gapps-20240404.zip";
        String id = Json.parse(shippy.putChunk(null, name, OtaFixture.randomBytes(10, 27), 0, 30).body()).get("id").asText();

        HttpResponse<String> r = shippy.putChunk(id, name, OtaFixture.randomBytes(10, 28), 20, 30);

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("detail").asText()).isEqualTo("Offsets do not match");
        assertThat(body.get("expected_offset").asLong()).isEqualTo(10);
        assertThat(body.get("provided_offset").asLong()).isEqualTo(20);
        assertThat(findUpload(id).get("offset").asLong()).isEqualTo(10);
    }

    @Test
    void overTheSizeLimit() {
        assertShipperDetail(shippy.putMultipart("/api/v1/maintainers/chunked_upload/", "Bliss-v4.4-sunfish-OFFICIAL-gapps-20240404.zip",
                OtaFixture.randomBytes(10, 29), "bytes 0-9/6000000000"), 400, "Size of file exceeds the limit (5000000000 bytes)");
    }

    @Test
    void chunkSizeThatDisagreesWithTheHeader() {
        assertShipperDetail(shippy.putMultipart("/api/v1/maintainers/chunked_upload/", "Bliss-v4.5-sunfish-OFFICIAL-gapps-20240404.zip",
                OtaFixture.randomBytes(10, 30), "bytes 0-19/40"), 400,
                "File size doesn't match headers: file size is 10 but 20 reported");
    }

    @Test
    void laterChunksStreamStraightToStagingAndKeepTheContract() {
        String name = "Bliss-v4.6-sunfish-OFFICIAL-gapps-20240404.zip";
        byte[] data = OtaFixture.randomBytes(40, 34);
        String id = Json.parse(shippy.putChunk(null, name, java.util.Arrays.copyOfRange(data, 0, 10), 0, 40).body())
                .get("id").asText();
        String path = "/api/v1/maintainers/chunked_upload/" + id + "/";

        assertShipperDetail(shippy.putMultipart(path, name, java.util.Arrays.copyOfRange(data, 10, 20), "bytes 10-29/40"), 400,
                "File size doesn't match headers: file size is 10 but 20 reported");
        assertShipperDetail(shippy.putMultipart(path, name, java.util.Arrays.copyOfRange(data, 10, 40), "bytes 10-19/40"), 400,
                "File size doesn't match headers: file size is 30 but 10 reported");
        assertShipperDetail(shippy.putMultipart(path, name, null, "bytes 10-19/40"), 400, "No chunk file was submitted");
        HttpResponse<String> broken = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url(path)))
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; "
                                + "name=\"file\"; filename=\"file\"\r\n\r\n0123456789")),
                "Content-Type", "multipart/form-data; boundary=x", "Content-Range", "bytes 10-19/40",
                "Authorization", "Token " + f.maintainerToken);
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(400);
        assertThat(findUpload(id).get("offset").asLong()).isEqualTo(10);

        assertThat(shippy.putChunk(id, name, java.util.Arrays.copyOfRange(data, 10, 25), 10, 40).statusCode()).isEqualTo(200);
        HttpResponse<String> last = shippy.putChunk(id, name, java.util.Arrays.copyOfRange(data, 25, 40), 25, 40);
        assertThat(Json.parse(last.body()).get("offset").asLong()).isEqualTo(40);
        assertThat(shippy.finalizeUpload(id, OtaFixture.sha256(data)).statusCode()).isEqualTo(200);
        assertThat(server.depot().ota().builds().buildByFileName(name).orElseThrow().md5()).isEqualTo(md5(data));
    }

    @Test
    void aRefusedChunkLeavesTheConnectionUsableForTheNextRequest() throws Exception {
        String name = "Bliss-v4.7-sunfish-OFFICIAL-gapps-20240404.zip";
        String id = Json.parse(shippy.putChunk(null, name, OtaFixture.randomBytes(10, 35), 0, 3_000_010).body()).get("id").asText();
        java.net.URI base = java.net.URI.create(server.url("/"));
        byte[] chunk = OtaFixture.randomBytes(1_000_000, 36);
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            var in = new java.io.BufferedInputStream(socket.getInputStream());
            // a chunk at the wrong offset: refused before its megabyte is read
            String head = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n";
            String tail = "\r\n--b--\r\n";
            out.write(("PUT /api/v1/maintainers/chunked_upload/" + id + "/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token "
                    + f.maintainerToken + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Range: bytes 20-1000019/3000010"
                    + "\r\nContent-Length: " + (head.length() + chunk.length + tail.length()) + "\r\n\r\n" + head)
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(chunk);
            out.write(tail.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 400").contains("Offsets do not match").doesNotContainIgnoringCase("connection: close");
            // the same connection answers the next request
            out.write(("GET /api/v1/maintainers/chunked_upload/" + id + "/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token "
                    + f.maintainerToken + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("\"offset\":10");
        }
    }

    /** One HTTP/1.1 response with a Content-Length body, as text. */
    private static String readResponse(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed after: " + head);
            }
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void wrongChecksumDiscardsTheUploadAndLeavesNoBuildAndNoBlob() throws IOException {
        byte[] data = OtaFixture.randomBytes(1_200_000, 31);
        String name = "Bliss-v5.0-sunfish-OFFICIAL-gapps-20240505.zip";
        String id = f.uploadChunks(name, data);

        HttpResponse<String> r = shippy.finalizeUpload(id, OtaFixture.sha256(new byte[] {1}));

        assertShipperDetail(r, 400, "sha256 checksum does not match");
        assertThat(findUploadOrNull(id)).isNull();
        assertThat(server.depot().ota().builds().buildByFileName(name)).isEmpty();
        assertThat(server.depot().blobs().exists(new BlobKey(OtaFixture.sha256(data)))).isFalse();
        assertThat(stagedFiles()).noneMatch(p -> p.contains(id));
        // the same upload can start over
        assertThat(f.upload(name, data)).isPositive();
    }

    @Test
    void fileNamesThatBreakTheRulesAreRefusedAtTheFirstChunk() {
        byte[] d = OtaFixture.randomBytes(10, 32);
        assertShipperError(first("not-a-rom.zip", d), 400, "invalid_file_name");
        assertShipperError(first("Bliss-v6.0-nodevice-OFFICIAL-gapps-20240606.zip", d), 404, "unknown_device");
        assertShipperError(first("Bliss-v6.0-sunfish-OFFICIAL-nightly-20240606.zip", d), 400, "unsupported_variant");
        assertShipperError(first("Bliss-v6.0-sunfish-OFFICIAL-gapps-20241399.zip", d), 400, "invalid_file_name");
        assertShipperError(first("Bliss-v6.0-x86_64-OFFICIAL-gapps-20240606.zip", d), 400, "missing_x86_type");
        assertShipperError(new ShippyClient(server, f.outsiderToken).putChunk(null,
                "Bliss-v6.0-sunfish-OFFICIAL-gapps-20240606.zip", d, 0, d.length), 401, "insufficient_permissions");
    }

    @Test
    void fileNamesWithPathsOrControlCharactersAreRefused() {
        byte[] d = OtaFixture.randomBytes(10, 33);
        for (String bad : new String[] {"../Bliss-v6.1-sunfish-OFFICIAL-gapps-20240606.zip",
                "dir/Bliss-v6.1-sunfish-OFFICIAL-gapps-20240606.zip", "dir\\Bliss-v6.1-sunfish-OFFICIAL-gapps-20240606.zip",
                "Bliss-v6.1-sunfish-OFFICIAL-gapps-20240606.zip\u0000.txt", "Bliss-v6.1-sunfish-OFFICIAL-gapps-20240606\u0007.zip",
                "Bliss-v6.1..-sunfish-OFFICIAL-gapps-20240606.zip"}) {
            HttpResponse<String> r = first(bad, d);
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(Json.parse(r.body()).get("error").asText()).isEqualTo("invalid_file_name");
        }
    }

    @Test
    void duplicateBuild() {
        byte[] d = OtaFixture.randomBytes(10, 34);
        f.upload("Bliss-v7.0-sunfish-OFFICIAL-gapps-20240707.zip", d);

        assertShipperError(first("Bliss-v7.0-sunfish-OFFICIAL-gapps-20240707.zip", d), 400, "duplicate_build");
    }

    @Test
    void versionNotAllowed() {
        server.depot().ota().buildNames().setAllowedVersions("v8.*\nv9.0");
        try {
            assertShipperError(first("Bliss-v7.5-sunfish-OFFICIAL-gapps-20240707.zip", OtaFixture.randomBytes(10, 35)),
                    400, "version_not_allowed");
            assertThat(first("Bliss-v8.1-sunfish-OFFICIAL-gapps-20240707.zip", OtaFixture.randomBytes(10, 36)).statusCode())
                    .isEqualTo(200);
            assertThat(first("Bliss-v9.0-sunfish-OFFICIAL-gapps-20240707.zip", OtaFixture.randomBytes(10, 37)).statusCode())
                    .isEqualTo(200);
        } finally {
            server.depot().ota().buildNames().setAllowedVersions("*");
        }
    }

    @Test
    void aMaintainerRemovedBeforeFinalizingGetsNoBuildAndNoBlob() throws IOException {
        server.depot().ota().devices().addDevice("bramble", "Pixel 4a 5G", "Google");
        server.depot().ota().devices().addMaintainer("bramble", "maint");
        byte[] data = OtaFixture.randomBytes(5000, 38);
        String name = "Bliss-v8.0-bramble-OFFICIAL-gapps-20240808.zip";
        String id = f.uploadChunks(name, data);
        server.depot().ota().devices().removeMaintainer("bramble", "maint");

        assertShipperError(shippy.finalizeUpload(id, OtaFixture.sha256(data)), 401, "insufficient_permissions");

        assertThat(server.depot().ota().builds().buildByFileName(name)).isEmpty();
        assertThat(server.depot().blobs().exists(new BlobKey(OtaFixture.sha256(data)))).isFalse();
        assertThat(findUploadOrNull(id)).isNull();
    }

    @Test
    void aFinishSentAgainAnswersWithTheSameBuild() {
        byte[] data = OtaFixture.randomBytes(10, 38);
        String id = f.uploadChunks("Bliss-v8.1-sunfish-OFFICIAL-vanilla-20240807.zip", data);
        HttpResponse<String> first = shippy.finalizeUpload(id, OtaFixture.sha256(data));
        assertThat(first.statusCode()).isEqualTo(200);

        HttpResponse<String> again = shippy.finalizeUpload(id, OtaFixture.sha256(data)); // the first answer was lost
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.parse(again.body()).get("build_id").asLong()).isEqualTo(Json.parse(first.body()).get("build_id").asLong());
        assertThat(findUpload(id).get("status").asInt()).isEqualTo(2);
    }

    @Test
    void twoFinishesAtOnceGiveOneBuildAndTheSameAnswer() throws Exception {
        byte[] data = OtaFixture.randomBytes(3_000_000, 37);
        String id = f.uploadChunks("Bliss-v8.1-sunfish-OFFICIAL-vanilla-20240806.zip", data);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> shippy.finalizeUpload(id, OtaFixture.sha256(data)));
            var b = pool.submit(() -> shippy.finalizeUpload(id, OtaFixture.sha256(data)));
            HttpResponse<String> first = a.get();
            HttpResponse<String> second = b.get();
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            assertThat(Json.parse(second.body()).get("build_id").asLong()).isEqualTo(Json.parse(first.body()).get("build_id").asLong());
        } finally {
            pool.shutdown();
        }
    }

    /** shippy run again with the zip still in its folder resumes the completed upload; as shipper does, that upload goes. */
    @Test
    void aChunkForACompletedUploadIsRefusedAndTheUploadGoesSoTheNextRunStartsOver() {
        byte[] data = OtaFixture.randomBytes(10, 39);
        String name = "Bliss-v8.1-sunfish-OFFICIAL-vanilla-20240808.zip";
        String id = f.uploadChunks(name, data);
        assertThat(shippy.finalizeUpload(id, OtaFixture.sha256(data)).statusCode()).isEqualTo(200);

        assertShipperDetail(shippy.putChunk(id, name, data, 0, 10), 400, "Upload has already been marked as \"complete\"");
        assertThat(findUploadOrNull(id)).isNull();
        assertThat(server.depot().ota().builds().buildByFileName(name)).isPresent(); // the build stays
        HttpResponse<String> next = shippy.putChunk(null, name, data, 0, 10);
        assertShipperError(next, 400, "duplicate_build");
    }

    @Test
    void anotherUsersOrAnUnknownSessionIsNotFound() {
        String id = Json.parse(first("Bliss-v8.2-sunfish-OFFICIAL-gapps-20240808.zip", OtaFixture.randomBytes(10, 40))
                .body()).get("id").asText();
        ShippyClient outsider = new ShippyClient(server, f.outsiderToken);

        assertShipperDetail(outsider.putChunk(id, "x.zip", OtaFixture.randomBytes(5, 1), 10, 20), 404, "Not found.");
        assertShipperDetail(shippy.putChunk("00000000-0000-0000-0000-000000000000", "x.zip", OtaFixture.randomBytes(5, 1), 0, 5),
                404, "Not found.");
        assertShipperDetail(shippy.putChunk("..%2F..%2Fetc", "x.zip", OtaFixture.randomBytes(5, 1), 0, 5), 404, "Not found.");
    }

    @Test
    void uploadingNeedsTheUploadScope() {
        String readOnly = server.userWithToken("maint", false, Scope.READ);
        assertShipperDetail(new ShippyClient(server, readOnly).putChunk(null, "Bliss-v8.3-sunfish-OFFICIAL-gapps-20240808.zip",
                OtaFixture.randomBytes(5, 1), 0, 5), 403, "This token lacks the 'upload' scope.");
    }

    private HttpResponse<String> first(String name, byte[] data) {
        return shippy.putChunk(null, name, data, 0, data.length);
    }

    private JsonNode findUpload(String id) {
        JsonNode n = findUploadOrNull(id);
        assertThat(n).as("upload " + id + " is listed").isNotNull();
        return n;
    }

    private JsonNode findUploadOrNull(String id) {
        for (JsonNode n : Json.parse(shippy.list().body())) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        return null;
    }

    private java.util.List<String> stagedFiles() throws IOException {
        try (Stream<java.nio.file.Path> s = Files.list(server.dataDir().resolve("uploads"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    static String md5(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
