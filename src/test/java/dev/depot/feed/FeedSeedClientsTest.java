package dev.depot.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Scope;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.MutableClock;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's own clients, verbatim but for host and token: its Python script (with requests) and
 * its curl command, against a live Depot; then every line of the package is checked.
 */
class FeedSeedClientsTest {
    @TempDir
    Path dir;

    private static final String SEED_SCRIPT = """
            import requests

            url = '%s/feed/apks'
            package = '%s'
            params = {'package': package}
            headers = {'Authorization': 'Token %s'}
            # Do the request and get the package.
            r = requests.get(url, params=params, headers=headers)
            # Check that the package is available and store it.
            if r.status_code == 200:
                filename = 'apk_' + package + '.zip'
                with open(filename, 'wb') as f:
                    f.write(r.content)
            elif r.status_code == 404:
                raise Exception('The package is not available.')
            elif r.status_code == 401:
                raise Exception('The token is invalid or doesn\\'t have privileges.')
            else:
                raise Exception(f'Other error occurred. Response code: {r.status_code}')

            filename = r.headers['Content-Disposition'].split('; ')[1].split('=')[1][1:-1]
            print(filename)
            """;

    private static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    @Test
    void theSeedsPythonScriptAndCurlCommandWorkVerbatim() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python) && new ProcessBuilder(python.toString(), "-c", "import requests")
                .start().waitFor() == 0, "python3 with requests (Debian python3-requests) is not installed; skipping");
        MutableClock clock = new MutableClock(Instant.parse("2026-05-21T12:16:00Z"));
        try (TestServer server = TestServer.start(Backend.SQLITE, Files.createTempDirectory("depot-seed"), clock, Map.of())) {
            AppFixture f = new AppFixture(server);
            String token = server.userWithToken("analyst", false, Scope.FEED);
            String[] apks = {"apps/a2dp.Vol_137.apk", "apps/com.politedroid_4.apk", "apps/hello-world.apk"};
            for (String apk : apks) {
                f.uploadAndWaitQuietly(apk);
            }
            clock.advance(Duration.ofMinutes(5)); // 12:21: the 12:15 package is closed

            Files.writeString(dir.resolve("feed.py"), SEED_SCRIPT.formatted(server.url(""), "20260521T1215", token));
            String printed = run(dir, python.toString(), "feed.py");
            assertThat(printed.strip()).isEqualTo("apk_20260521T1215.zip");
            List<String> lines = FeedApiTest.samples(Files.readAllBytes(dir.resolve("apk_20260521T1215.zip")));
            assertThat(lines).hasSize(3);
            for (String apk : apks) {
                String sha = FeedApiTest.sha256(Files.readAllBytes(AppFixture.APKS.resolve(apk)));
                String line = lines.stream().filter(l -> l.startsWith(sha + ";")).findFirst().orElseThrow();
                byte[] fetched = server.send(HttpRequest.newBuilder(URI.create(line.substring(65))).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body();
                assertThat(FeedApiTest.sha256(fetched)).isEqualTo(sha);
            }

            Path curlDir = Files.createDirectories(dir.resolve("curl"));
            run(curlDir, "curl", "-s", "-S", "-f", "-g", "-O", "-J", "-L", "-H", "Authorization: Token " + token,
                    server.url("/feed/apks"));
            assertThat(Files.list(curlDir).map(p -> p.getFileName().toString())).containsExactly("apk_20260521T1215.zip");
            assertThat(Files.readAllBytes(curlDir.resolve("apk_20260521T1215.zip")))
                    .isEqualTo(Files.readAllBytes(dir.resolve("apk_20260521T1215.zip")));

            String unzipped = run(curlDir, "unzip", "apk_20260521T1215.zip");
            assertThat(unzipped).contains("samples");
            assertThat(Files.readAllLines(curlDir.resolve("samples"))).hasSize(3);
        }
    }
}
