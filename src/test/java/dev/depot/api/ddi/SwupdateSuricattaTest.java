package dev.depot.api.ddi;

import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.SwuImage;
import dev.depot.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real hawkBit client: SWUpdate (Debian's package) in suricatta mode polls Depot over DDI,
 * downloads a signed .swu the device's release offers it, installs it (its rawfile handler writes
 * a file: no flashing) and reports success; a corrupt image is reported as a failure.
 */
class SwupdateSuricattaTest {
    private static final Path SWUPDATE = Path.of("/usr/bin/swupdate");
    private static final String PATTERN =
            "[A-Za-z]+-(?P<version>[a-z0-9.]+)-(?P<codename>[A-Za-z0-9_]+)-OFFICIAL-(?P<variant>[a-z]+)-(?P<date>[0-9]{8})\\.(zip|swu)";

    TestServer server;
    OtaFixture f;
    Path work;
    Process swupdate;
    int runs;

    @BeforeEach
    void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(SWUPDATE), "swupdate is not installed (.ci/run installs Debian's)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        server = TestServer.start(Backend.SQLITE, Map.of(Setting.DDI_POLLING, "1s"));
        f = new OtaFixture(server);
        server.depot().ota().buildNames().setFileNamePattern(PATTERN);
        work = Files.createTempDirectory("depot-swupdate");
    }

    @AfterEach
    void stop() {
        if (swupdate != null) {
            swupdate.destroyForcibly();
        }
        if (server != null) {
            server.close();
        }
    }

    private long release(long build) {
        JsonNode r = Json.parse(server.postJson("/v1/devices/sunfish/releases", "{\"channel\":\"stable\",\"build\":" + build + "}",
                auth(f.maintainerToken)).body());
        return r.get("data").get("id").asLong();
    }

    private JsonNode status(long release) {
        return Json.parse(server.get("/v1/devices/sunfish/releases/" + release, auth(f.maintainerToken)).body()).get("data");
    }

    /**
     * Runs suricatta for the installation (with {@code extra} suricatta arguments) until the
     * release's status satisfies {@code done}, at most 90 s.
     */
    private JsonNode runUntil(String controller, String token, SwuImage signer, long release, String extra,
                              Predicate<JsonNode> done) throws Exception {
        runs++;
        Path tmp = Files.createDirectories(work.resolve("tmp-" + runs));
        Path log = work.resolve("swupdate-" + runs + ".log");
        String base = server.url("").replaceAll("/$", "");
        ProcessBuilder pb = new ProcessBuilder(SWUPDATE.toString(), "-v", "-H", "depot:1.0", "-k", signer.certificate().toString(),
                "-u", "-t sunfish -u " + base + " -i " + controller + " -k " + token + extra)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TMPDIR", tmp.toString());
        swupdate = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode s = status(release);
        while (!done.test(s) && System.nanoTime() < deadline && swupdate.isAlive()) {
            Thread.sleep(250);
            s = status(release);
        }
        swupdate.destroy();
        if (!swupdate.waitFor(10, TimeUnit.SECONDS)) {
            swupdate.destroyForcibly();
        }
        assertThat(done.test(s)).as("release %s after suricatta ran; its log:%n%s", s,
                Files.readString(log, StandardCharsets.ISO_8859_1)).isTrue();
        return s;
    }

    @Test
    void suricattaInstallsTheReleaseAndReportsSuccessThenAFailure() throws Exception {
        SwuImage signer = SwuImage.signer(work);
        Path installed = work.resolve("installed.txt");
        byte[] good = signer.image("1.0.1", "hello from depot\n".getBytes(StandardCharsets.UTF_8), installed, false);
        long goodBuild = f.upload("Demo-1.0.1-sunfish-OFFICIAL-gapps-20240101.swu", good);
        long first = release(goodBuild);
        String token = Json.parse(server.postJson("/v1/devices/sunfish/installations/rpi-1/target-token", "{}",
                auth(f.maintainerToken)).body()).get("data").get("token").asText();

        // SWUpdate installs, then reports "installed, testing pending" until the device restarts into the update
        JsonNode pending = runUntil("rpi-1", token, signer, first, "", s -> s.get("funnel").get("installing").asLong() == 1
                && Files.exists(installed));
        assertThat(pending.get("funnel").get("installed").asLong()).isZero();
        assertThat(Files.readString(installed)).isEqualTo("hello from depot\n");
        // after the restart, the device's health check confirms the update (-c 2): SWUpdate reports success
        JsonNode ok = runUntil("rpi-1", token, signer, first, " -c 2", s -> s.get("funnel").get("installed").asLong() == 1);
        assertThat(ok.get("funnel").get("offered").asLong()).isEqualTo(1);
        assertThat(ok.get("funnel").get("failed").asLong()).isZero();

        byte[] bad = signer.image("1.0.2", "a broken update\n".getBytes(StandardCharsets.UTF_8), installed, true);
        long badBuild = f.upload("Demo-1.0.2-sunfish-OFFICIAL-gapps-20240201.swu", bad);
        long second = release(badBuild);
        JsonNode failed = runUntil("rpi-1", token, signer, second, "", s -> s.get("funnel").get("failed").asLong() == 1);
        assertThat(failed.get("failures").get(0).get("reason").asText()).isEqualTo("install_failed");
        assertThat(Files.readString(installed)).as("the refused image wrote nothing").isEqualTo("hello from depot\n");
        JsonNode installation = Json.parse(server.get("/v1/devices/sunfish/installations/rpi-1", auth(f.maintainerToken)).body())
                .get("data");
        List<String> steps = installation.get("releases").findValuesAsText("step");
        assertThat(steps).containsExactly("failed", "installed");
    }
}
