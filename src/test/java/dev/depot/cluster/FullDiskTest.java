package dev.depot.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data directory on a real file system that fills up (a 64 MiB tmpfs, mounted for the test:
 * it needs root, and is skipped without it). Reads keep working, writes that find no room answer
 * 507 with Retry-After and keep nothing half-written, /readyz says what cannot be written, and
 * everything resumes once there is room.
 */
class FullDiskTest {
    Path mount;
    boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mount = Files.createTempDirectory("depot-full-disk");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root): " + new String(p.getInputStream().readAllBytes()));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Writes zeros until the file system is full; returns the file that holds them. */
    private static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
        return filler;
    }

    @Test
    void aFullDiskServesReadsAndAnswers507ToWritesThenResumes() throws Exception {
        Path data = mount.resolve("data");
        try (TestServer server = TestServer.start(Backend.SQLITE, data, Clock.systemUTC(), Map.of())) {
            OtaFixture f = new OtaFixture(server);
            f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240501.zip", OtaFixture.randomBytes(300_000, 1));
            byte[] rom = OtaFixture.randomBytes(3_000_000, 2);
            String name = "Bliss-v2.0-sunfish-OFFICIAL-gapps-20240502.zip";
            String meta = "filename " + b64(name) + ",target " + b64("ota");
            HttpResponse<String> created = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/uploads")))
                    .POST(HttpRequest.BodyPublishers.noBody()), "Authorization", "Token " + f.maintainerToken,
                    "Tus-Resumable", "1.0.0", "Upload-Length", Integer.toString(rom.length), "Upload-Metadata", meta);
            assertThat(created.statusCode()).isEqualTo(201);
            String location = created.headers().firstValue("Location").orElseThrow();
            String freshToken = server.userWithToken("reader", false, dev.depot.auth.Scope.READ);

            Path filler = fill(mount);

            // reads: public, and authenticated with a token whose first use cannot be recorded
            assertThat(server.get("/api/v1/updater/los/sunfish/gapps/").statusCode()).isEqualTo(200);
            HttpResponse<String> check = server.get("/api/v1/maintainers/token_check/", "Authorization", "Token " + freshToken);
            assertThat(check.statusCode()).as(check.body()).isEqualTo(200);
            assertThat(server.get("/v1/uploads/" + location.substring(location.lastIndexOf('/') + 1)).statusCode()).isNotEqualTo(500);

            // writes: 507 with Retry-After, and the upload holds only what it accepted
            HttpResponse<String> patch = server.send(HttpRequest.newBuilder(URI.create(location))
                            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(rom)),
                    "Authorization", "Token " + f.maintainerToken, "Tus-Resumable", "1.0.0", "Upload-Offset", "0",
                    "Content-Type", "application/offset+octet-stream");
            assertThat(patch.statusCode()).as(patch.body()).isEqualTo(507);
            assertThat(patch.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> chunk = f.shippy.putChunk(null, "Bliss-v3.0-sunfish-OFFICIAL-gapps-20240503.zip",
                    OtaFixture.randomBytes(1_000_000, 3), 0, 2_000_000);
            assertThat(chunk.statusCode()).as(chunk.body()).isIn(200, 507); // the first chunk may fit in memory
            if (chunk.statusCode() == 200) {
                String id = Json.parse(chunk.body()).get("id").asText();
                HttpResponse<String> second = f.shippy.putChunk(id, "Bliss-v3.0-sunfish-OFFICIAL-gapps-20240503.zip",
                        OtaFixture.randomBytes(1_000_000, 4), 1_000_000, 2_000_000);
                assertThat(second.statusCode()).as(second.body()).isEqualTo(507);
                assertThat(Json.parse(second.body()).get("message").asText()).contains("no room");
            }

            HttpResponse<String> ready = server.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(Json.parse(ready.body()).get("blobs").asText()).isEqualTo("not writable");
            assertThat(server.get("/metrics").body()).as("a scrape checks too, for the readiness alert")
                    .contains("depot_ready{check=\"blobs\"} 0");
            boolean databaseFull;
            try {
                server.depot().auth().createUser("late", "password-late", false);
                databaseFull = false;
            } catch (RuntimeException e) {
                databaseFull = true;
            }
            if (databaseFull) {
                assertThat(Json.parse(server.get("/readyz").body()).get("database").asText()).isEqualTo("not writable");
            }

            Files.delete(filler);
            HttpResponse<String> head = server.send(HttpRequest.newBuilder(URI.create(location))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()), "Authorization", "Token " + f.maintainerToken,
                    "Tus-Resumable", "1.0.0");
            int offset = Integer.parseInt(head.headers().firstValue("Upload-Offset").orElseThrow());
            HttpResponse<String> rest = server.send(HttpRequest.newBuilder(URI.create(location))
                            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(rom, offset, rom.length))),
                    "Authorization", "Token " + f.maintainerToken, "Tus-Resumable", "1.0.0", "Upload-Offset",
                    Integer.toString(offset), "Content-Type", "application/offset+octet-stream");
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(204);
            long build = Long.parseLong(rest.headers().firstValue("Depot-Build-Id").orElseThrow());
            assertThat(server.depot().ota().builds().build(build).orElseThrow().sha256()).isEqualTo(OtaFixture.sha256(rom));
            assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
