package dev.depot.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.auth.User;
import dev.depot.catalog.AppBuild;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.ota.OtaBuild;
import dev.depot.server.Depot;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Uploads interrupted by {@code kill -9} of the server process, on both databases: while a
 * completion is under way (tus and shipper's protocol), and in the middle of one long tus PATCH.
 * After the restart the interrupted work resumes at once and gives the build an uninterrupted
 * upload gives.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class CrashRecoveryTest {
    private static final int MIB = 1 << 20;
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    Path data;
    String databaseUrl;
    Depot depot;
    String token;
    ServerProcess server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        data = dir.resolve("data");
        databaseUrl = backend.newDatabaseUrl(data);
        Settings settings = Settings.defaults().with(Setting.DATA, data.toString()).with(Setting.DATABASE_URL, databaseUrl);
        depot = Depot.open(settings, Clock.systemUTC());
        User mark = depot.auth().createUser("mark", "password-mark", false);
        token = depot.auth().createToken(mark, "ci", EnumSet.of(Scope.READ, Scope.UPLOAD, Scope.PUBLISH), null).secret();
        Principal op = Principal.operator();
        depot.catalog().organizations().createOrganization(op, "acme", "Acme", "mark");
        depot.catalog().apps().createApp(op, "acme", "notes", "Notes", "android", null);
        depot.ota().devices().addDevice("sunfish", "Pixel 4a", "Google");
        depot.ota().devices().addVariant("gapps", "With Google apps", null);
        depot.ota().devices().addMaintainer("sunfish", "mark");
        server = ServerProcess.start(data, databaseUrl, Map.of());
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        depot.close();
    }

    private Map<String, String> env = Map.of();

    private void restart() {
        server = ServerProcess.start(data, databaseUrl, env);
    }

    /** The server again, keeping its blobs and the pieces of uploads in a bucket (S3Proxy in this JVM). */
    private void onS3() {
        server.close();
        dev.depot.support.S3ProxyServer s3 = dev.depot.support.S3ProxyServer.shared();
        Map<String, String> e = new java.util.HashMap<>();
        s3.depotSettings(dev.depot.support.S3ProxyServer.newBucketName("crash"), "auto")
                .forEach((k, v) -> e.put(k.environmentVariable(), v));
        env = Map.copyOf(e);
        restart();
    }

    /** A file of random bytes; returns its SHA-256. */
    private static String randomFile(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = sha256();
        byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        block[i + k] = (byte) (v >>> (8 * k));
                    }
                }
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                sha.update(block, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record Row(long offset, int status, String claim) {}

    private Optional<Row> row(String uploadId) {
        return depot.database().jdbi().withHandle(h -> h.createQuery("SELECT upload_offset, status, finalizing_since "
                        + "FROM upload_sessions WHERE id = :id").bind("id", uploadId)
                .map((rs, ctx) -> new Row(rs.getLong(1), rs.getInt(2), rs.getObject(3) == null ? null : rs.getString(3))).findOne());
    }

    /** Kills the server as soon as the upload's row satisfies {@code when}; false if the request finished first. */
    private boolean killWhen(String uploadId, java.util.function.Predicate<Row> when, CompletableFuture<?> request) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Row> r = row(uploadId);
            if (r.isPresent() && when.test(r.get())) {
                server.kill9();
                return true;
            }
            if (request.isDone()) {
                return false;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the upload never reached the moment to kill the server at");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String tusCreate(String fileName, long length) throws Exception {
        String meta = "filename " + b64(fileName) + ",organization " + b64("acme") + ",app " + b64("notes")
                + ",changelog " + b64("crash test");
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(server.url("/v1/uploads")))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(length)).header("Upload-Metadata", meta)
                .header("Authorization", "Bearer " + token));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String location = r.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private CompletableFuture<HttpResponse<String>> tusPatch(String id, long offset, HttpRequest.BodyPublisher body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(server.url("/v1/uploads/" + id)))
                .method("PATCH", body).header("Tus-Resumable", "1.0.0").header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream").header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> tusHead(String id) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.url("/v1/uploads/" + id)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                .header("Authorization", "Bearer " + token));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private List<AppBuild> appBuilds() {
        return depot.catalog().builds().builds(Principal.operator(), "acme", "notes", null, 200);
    }

    @Test
    void aTusUploadKilledWhileItCompletesBecomesItsBuildAfterTheRestart() throws Exception {
        killDuringCompletionAndRecover(160L * MIB);
    }

    /** With shared staging: the pieces are objects in the bucket, the completion assembles and stores them there. */
    @Test
    void onS3ATusUploadKilledWhileItCompletesBecomesItsBuildAfterTheRestart() throws Exception {
        onS3();
        killDuringCompletionAndRecover(48L * MIB);
    }

    private void killDuringCompletionAndRecover(long size) throws Exception {
        Path file = dir.resolve("big.apk");
        String sha = randomFile(file, size, 1);
        String id = null;
        boolean killed = false;
        for (int attempt = 0; attempt < 5 && !killed; attempt++) {
            id = tusCreate("big-" + attempt + ".apk", size);
            CompletableFuture<HttpResponse<String>> patch = tusPatch(id, 0, HttpRequest.BodyPublishers.ofFile(file));
            killed = killWhen(id, r -> r.claim() != null, patch);
            if (!killed) {
                assertThat(patch.join().statusCode()).isEqualTo(204); // completed before we could kill; try again
            }
        }
        assertThat(killed).as("the server was killed while completing the upload").isTrue();
        assertThat(row(id).orElseThrow().status()).as("the kill left the upload incomplete").isEqualTo(1);
        int before = appBuilds().size();

        restart();
        HttpResponse<String> head = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            head = tusHead(id);
            assertThat(head.statusCode()).isEqualTo(200);
            if (head.headers().firstValue("Depot-Build-Id").isPresent()) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(head.headers().firstValue("Depot-Build-Id")).as("HEAD names the build after the restart").isPresent();
        assertThat(head.headers().firstValue("Upload-Offset")).contains(Long.toString(size));
        long buildId = Long.parseLong(head.headers().firstValue("Depot-Build-Id").get());
        AppBuild build = depot.catalog().builds().build(Principal.operator(), buildId);
        assertThat(build.sha256()).isEqualTo(sha);
        assertThat(build.size()).isEqualTo(size);
        assertThat(build.changelog()).isEqualTo("crash test");
        assertThat(build.fileName()).startsWith("big-");
        assertThat(appBuilds()).hasSize(before + 1);

        // an empty PATCH answers as the lost last answer would have, with the same build
        HttpResponse<String> again = tusPatch(id, size, HttpRequest.BodyPublishers.noBody()).join();
        assertThat(again.statusCode()).isEqualTo(204);
        assertThat(again.headers().firstValue("Depot-Build-Id")).contains(Long.toString(buildId));
        assertThat(appBuilds()).hasSize(before + 1);
    }

    @Test
    void shippysFinishAfterTheServerWasKilledWhileFinishingIsAcceptedAtOnce() throws Exception {
        long size = 160L * MIB;
        Path file = dir.resolve("rom.zip");
        String sha = randomFile(file, size, 2);
        String id = null;
        String name = null;
        boolean killed = false;
        for (int attempt = 0; attempt < 5 && !killed; attempt++) {
            name = "Bliss-v1." + attempt + "-sunfish-OFFICIAL-gapps-20240512.zip";
            id = sendChunks(name, file, size);
            CompletableFuture<HttpResponse<String>> finish = http.sendAsync(finishRequest(id, sha),
                    HttpResponse.BodyHandlers.ofString());
            killed = killWhen(id, r -> r.claim() != null, finish);
            if (!killed) {
                assertThat(finish.join().statusCode()).isEqualTo(200);
            }
        }
        assertThat(killed).as("the server was killed while finishing the upload").isTrue();
        assertThat(row(id).orElseThrow().status()).isEqualTo(1);

        restart();
        HttpResponse<String> done = send(HttpRequest.newBuilder(finishRequest(id, sha), (k, v) -> true));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode body = Json.parse(done.body());
        assertThat(body.get("message").asText()).isEqualTo("Build has been uploaded for device Google Pixel 4a (sunfish)!");
        OtaBuild build = depot.ota().builds().build(body.get("build_id").asLong()).orElseThrow();
        assertThat(build.sha256()).isEqualTo(sha);
        assertThat(build.fileName()).isEqualTo(name);
        assertThat(depot.ota().builds().buildByFileName(name)).map(OtaBuild::id).contains(build.id());
    }

    private HttpRequest finishRequest(String id, String sha) {
        return HttpRequest.newBuilder(URI.create(server.url("/api/v1/maintainers/chunked_upload/" + id + "/")))
                .POST(HttpRequest.BodyPublishers.ofString("sha256=" + sha))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Token " + token)
                .timeout(Duration.ofSeconds(120)).build();
    }

    /** shippy's chunked upload (in 8 MiB chunks, to keep the test short); returns the upload's id. */
    private String sendChunks(String name, Path file, long size) throws Exception {
        String id = null;
        byte[] chunk = new byte[8 * MIB];
        try (InputStream in = Files.newInputStream(file)) {
            for (long offset = 0; offset < size; ) {
                int n = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, size - offset));
                String boundary = UUID.randomUUID().toString().replace("-", "");
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n" + name
                        + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                body.write(chunk, 0, n);
                body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
                String path = "/api/v1/maintainers/chunked_upload/" + (id == null ? "" : id + "/");
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(server.url(path)))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .header("Content-Range", "bytes " + offset + "-" + (offset + n - 1) + "/" + size)
                        .header("Authorization", "Token " + token));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                id = Json.parse(r.body()).get("id").asText();
                offset += n;
            }
        }
        return id;
    }

    /** Jetty spills a large multipart part to uploads/multipart; a crash in the middle left it there for good. */
    @Test
    void whatAnAppliveryUploadKilledMidwayLeftIsRemovedAtTheRestart() throws Exception {
        long size = 48L * MIB;
        Path file = dir.resolve("multipart.apk");
        randomFile(file, size, 4);
        String boundary = UUID.randomUUID().toString().replace("-", "");
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"organization\"\r\n\r\nacme\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"app\"\r\n\r\nnotes\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"build\"; filename=\"multipart.apk\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        CompletableFuture<HttpResponse<String>> upload = http.sendAsync(HttpRequest.newBuilder(
                        URI.create(server.url("/v1/integrations/builds")))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() ->
                        new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                                new java.io.ByteArrayInputStream(head), slowly(file), new java.io.ByteArrayInputStream(tail))))),
                        head.length + size + tail.length))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        Path multipart = data.resolve("uploads").resolve("multipart");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (spilled(multipart) < 8L * MIB && System.nanoTime() < deadline && !upload.isDone()) {
            Thread.sleep(5);
        }
        server.kill9();
        assertThat(spilled(multipart)).as("the crash left the part on disk").isGreaterThanOrEqualTo(8L * MIB);

        restart();
        assertThat(spilled(multipart)).isZero();
        try (var files = Files.list(data.resolve("uploads").resolve("incoming"))) {
            assertThat(files.toList()).isEmpty();
        }
    }

    /** Bytes in the regular files of a directory. */
    private static long spilled(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (var files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** tus-js-client's default: the whole file in one PATCH. A crash in the middle loses at most one checkpoint. */
    @Test
    void oneLongPatchKilledHalfwayResumesFromItsLastCheckpoint() throws Exception {
        long size = 64L * MIB;
        Path file = dir.resolve("long.apk");
        String sha = randomFile(file, size, 3);
        String id = tusCreate("long.apk", size);
        CompletableFuture<HttpResponse<String>> patch = tusPatch(id, 0, HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> slowly(file)), size));
        long[] seen = new long[1];
        boolean killed = killWhen(id, r -> {
            seen[0] = r.offset();
            return r.offset() >= 25L * MIB;
        }, patch);
        assertThat(killed).isTrue();
        assertThat(seen[0]).isLessThan(size);

        restart();
        HttpResponse<String> head = tusHead(id);
        assertThat(head.statusCode()).isEqualTo(200);
        long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
        assertThat(offset).as("the offset recorded before the kill").isGreaterThanOrEqualTo(seen[0]);

        byte[] rest;
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            rest = in.readAllBytes();
        }
        HttpResponse<String> done = tusPatch(id, offset, HttpRequest.BodyPublishers.ofByteArray(rest)).join();
        assertThat(done.statusCode()).as(done.body()).isEqualTo(204);
        long buildId = Long.parseLong(done.headers().firstValue("Depot-Build-Id").orElseThrow());
        assertThat(depot.catalog().builds().build(Principal.operator(), buildId).sha256()).isEqualTo(sha);
    }

    /** The file at about 100 MiB/s, so that the kill lands in the middle of the body. */
    private static InputStream slowly(Path file) {
        try {
            InputStream in = Files.newInputStream(file);
            return new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, Math.min(len, 64 * 1024));
                    try {
                        Thread.sleep(0, 600_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
