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
            var info = ok(server.get("/v1/repositories/mirror-me/fdroid"));
            String fingerprint = info.get("fingerprint").asText();
            String base = info.get("mirrorUrl").asText(); // what the repository page and API advertise for mirrors
            assertThat(base).isEqualTo(server.url("/repositories/mirror-me/fdroid") + "?fingerprint=" + fingerprint);

            // --all: the repo and the archive section, with every file type fdroidserver knows
            Process p = new ProcessBuilder(fdroid.toString(), "mirror", "--all", "--output-dir", out.toString(), base)
                    .directory(out.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

            assertThat(p.exitValue()).as(log).isZero();
            assertThat(log).as("fdroidserver finds the layout it expects").doesNotContain("Do not include")
                    .doesNotContain("does not end with").doesNotContain("Traceback");
            assertThat(out.resolve("archive").resolve("index-v1.jar")).exists();
            Path apk;
            try (var files = Files.walk(out)) {
                apk = files.filter(x -> x.getFileName().toString().equals("a2dp.Vol_137.apk")).findFirst().orElse(null);
            }
            assertThat(apk).as("the mirrored APK; fdroid said:\n" + log).isNotNull();
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(apk))))
                    .isEqualTo(ok(server.get("/v1/repositories/mirror-me")).get("apps").get(0).get("sha256").asText());

            // the index's sig of each version is what fdroidserver itself computes from the APK
            Process sig = new ProcessBuilder(python(fdroid), "-c", "import sys; from fdroidserver import update; "
                    + "print(update.getsig(sys.argv[1]))", apk.toString()).redirectErrorStream(true).start();
            String expectedSig = new String(sig.getInputStream().readAllBytes()).strip();
            assertThat(sig.waitFor(2, TimeUnit.MINUTES)).isTrue();
            String index = new String(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.url("/repositories/mirror-me/fdroid/repo/index-v1.json"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            assertThat(dev.depot.support.Json.parse(index).get("packages").get("a2dp.Vol").get(0).get("sig").asText())
                    .isEqualTo(expectedSig).matches("[0-9a-f]{32}");

            Process wrong = new ProcessBuilder(fdroid.toString(), "mirror", "--output-dir", out.resolve("w").toString(),
                    server.url("/repositories/mirror-me/fdroid") + "?fingerprint=" + "00".repeat(32)).redirectErrorStream(true).start();
            String wrongLog = new String(wrong.getInputStream().readAllBytes());
            assertThat(wrong.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(wrong.exitValue()).as("a wrong fingerprint must be refused:\n" + wrongLog).isNotZero();
        }
    }

    /** The Python that runs {@code fdroid} (its #! line), which is the one that has fdroidserver's modules. */
    private static String python(Path fdroid) throws java.io.IOException {
        String first = Files.readAllLines(fdroid).getFirst();
        return first.startsWith("#!") ? first.substring(2).trim().split("\\s+")[0] : "/usr/bin/python3";
    }
}
