package dev.depot.repository;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * F-Droid's own tooling as a real consumer: Debian's fdroidserver mirrors a live Depot
 * repository, verifying the signed index against the fingerprint Depot shows. Runs where
 * {@code fdroid} is installed (CI installs it).
 */
class FdroidServerConsumerTest {
    @TempDir
    Path out;

    @Test
    void fdroidMirrorAcceptsTheRepository() throws Exception {
        Path fdroid = Path.of("/usr/bin/fdroid");
        Assumptions.assumeTrue(Files.isExecutable(fdroid), "fdroidserver is not installed; skipping");
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        try (TestServer server = TestServer.start(Backend.SQLITE)) {
            AppFixture f = new AppFixture(server);
            String build = f.uploadAndWaitQuietly("apps/a2dp.Vol_137.apk");
            ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"mirror-me\",\"title\":\"Mirror me\"}",
                    bearer(f.maintainer)));
            ok(server.postJson("/v1/organizations/acme/repositories/mirror-me/builds", "{\"buildId\":\"" + build + "\"}",
                    bearer(f.maintainer)));
            String fingerprint = ok(server.get("/v1/repositories/mirror-me/fdroid")).get("fingerprint").asText();
            String base = server.url("/fdroid/mirror-me") + "?fingerprint=" + fingerprint;

            Process p = new ProcessBuilder(fdroid.toString(), "mirror", "--output-dir", out.toString(), base)
                    .directory(out.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

            assertThat(p.exitValue()).as(log).isZero();
            Path apk;
            try (var files = Files.walk(out)) {
                apk = files.filter(x -> x.getFileName().toString().equals("a2dp.Vol_137.apk")).findFirst().orElse(null);
            }
            assertThat(apk).as("the mirrored APK; fdroid said:\n" + log).isNotNull();
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(apk))))
                    .isEqualTo(ok(server.get("/v1/repositories/mirror-me")).get("apps").get(0).get("sha256").asText());

            Process wrong = new ProcessBuilder(fdroid.toString(), "mirror", "--output-dir", out.resolve("w").toString(),
                    server.url("/fdroid/mirror-me") + "?fingerprint=" + "00".repeat(32)).redirectErrorStream(true).start();
            String wrongLog = new String(wrong.getInputStream().readAllBytes());
            assertThat(wrong.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(wrong.exitValue()).as("a wrong fingerprint must be refused:\n" + wrongLog).isNotZero();
        }
    }
}
