package dev.depot.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depot.support.Backend;
import dev.depot.support.Command;
import dev.depot.support.Json;
import dev.depot.support.ServerProcess;
import dev.depot.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An upgrade as an operator makes one: the previous release's jar, built from this repository's
 * history, sets up users, a device and a maintainer with its own CLI and takes a build, a login
 * and a download over HTTP; it stops, and this version starts on the same data directory and
 * database, migrates it and serves all of it: the same update answer and bytes, the old token,
 * the password, the count, and a new upload beside the old build. On PostgreSQL a node of the
 * previous release then runs beside this one on the migrated schema, as in a rolling update, and
 * takes a build this one serves.
 *
 * <p>No release is tagged yet: the previous release is the last commit of the first round
 * (schema V7), the version its first users ran; {@code -Ddepot.upgrade.from=COMMIT} names
 * another. Its jar is built once into {@code target/upgrade/}. A clone without that history
 * (shallow) skips the test.
 */
class UpgradeTest {
    private static final String FROM = System.getProperty("depot.upgrade.from", "15ccbaa8e1d8e7b8f02e823c35256021527e739b");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String BUILD = "Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip";
    private static final String UPDATES = "/api/v1/updater/los/sunfish/gapps/";
    private static Path oldJar;

    @BeforeAll
    static void buildPreviousRelease() throws IOException {
        assumeTrue(Command.available("git"), "git is not installed");
        assumeTrue(Command.run(Duration.ofSeconds(30), "git", "cat-file", "-e", FROM + "^{commit}").ok(),
                "this clone does not hold " + FROM + " (shallow?)");
        Path dir = Path.of("target", "upgrade", FROM).toAbsolutePath();
        oldJar = dir.resolve("depot.jar");
        if (Files.isRegularFile(oldJar)) {
            return;
        }
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Command.Result checkout = Command.run(Duration.ofMinutes(2), null, Map.of(),
                List.of("sh", "-c", "git archive --format=tar " + FROM + " | tar -x -C " + src));
        assertThat(checkout.exit()).as(checkout.output()).isZero();
        Command.Result build = Command.run(Duration.ofMinutes(15), src, Map.of("JAVA_HOME", System.getProperty("java.home")),
                List.of("./mvnw", "-q", "-B", "package", "-Dmaven.test.skip=true"));
        assertThat(build.exit()).as(build.output()).isZero();
        Files.move(src.resolve("target/depot.jar"), oldJar, StandardCopyOption.REPLACE_EXISTING);
        Command.run(Duration.ofMinutes(1), "rm", "-rf", src.toString());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theNextVersionServesWhatThePreviousReleaseStored(Backend backend, @TempDir Path data) throws Exception {
        String databaseUrl = backend.newDatabaseUrl(data);
        Map<String, String> env = new HashMap<>(Map.of("DEPOT_DATA", data.toString(), "DEPOT_DATABASE_URL", databaseUrl,
                "DEPOT_AUTH_LOGIN_MAX_FAILURES", "1000"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cli = java + " -jar " + oldJar + " ";
        for (String command : List.of("user add alice --password-stdin <<< alice-password",
                "device add sunfish --name 'Pixel 4a' --manufacturer Google", "variant add gapps --description 'With Google apps'",
                "device maintainer add sunfish alice")) {
            Command.Result r = Command.run(Duration.ofMinutes(1), data, env, List.of("bash", "-c", cli + command));
            assertThat(r.exit()).as(command + ": " + r.output()).isZero();
        }

        byte[] zip = new byte[1_500_000];
        new Random(7).nextBytes(zip);
        String token;
        JsonNode oldAnswer;
        int port = TestServer.freePort();
        Map<String, String> oldEnv = new HashMap<>(env);
        oldEnv.put("DEPOT_PORT", Integer.toString(port));
        oldEnv.put("DEPOT_PUBLIC_URL", "http://127.0.0.1:" + port);
        ProcessBuilder previous = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-jar", oldJar.toString(), "serve");
        previous.environment().putAll(oldEnv);
        try (ServerProcess server = ServerProcess.launch(previous, data)) {
            token = login(server);
            upload(server, token, BUILD, zip);
            oldAnswer = awaitBuilds(server, n -> n == 1);
            assertThat(get(server.url("/api/v1/download/count/day/")).body()).isEqualTo("{\"count\":0}");
            assertThat(download(oldAnswer.get("response").get(0).get("url").asText())).isEqualTo(zip);
            awaitBody(server.url("/api/v1/download/count/day/"), "{\"count\":1}");
        }

        try (ServerProcess server = ServerProcess.start(data, databaseUrl, env)) {
            assertThat(get(server.url("/readyz")).statusCode()).isEqualTo(200);
            JsonNode answer = awaitBuilds(server, n -> n == 1);
            JsonNode before = oldAnswer.get("response").get(0);
            JsonNode after = answer.get("response").get(0);
            assertThat(withoutUrl(after)).as("the same build, as the updater reads it").isEqualTo(withoutUrl(before));
            assertThat(download(after.get("url").asText())).isEqualTo(zip);
            awaitBody(server.url("/api/v1/download/count/day/"), "{\"count\":2}");

            HttpResponse<String> uploads = HTTP.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/maintainers/chunked_upload/")))
                    .header("Authorization", "Token " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(uploads.statusCode()).as("the token the previous release issued").isEqualTo(200);
            String again = login(server);
            byte[] newer = new byte[1_200_000];
            new Random(8).nextBytes(newer);
            upload(server, again, "Bliss-v15.9-sunfish-OFFICIAL-gapps-20240612.zip", newer);
            JsonNode both = awaitBuilds(server, n -> n == 2);
            assertThat(both.get("response").findValuesAsText("filename"))
                    .containsExactlyInAnyOrder(BUILD, "Bliss-v15.9-sunfish-OFFICIAL-gapps-20240612.zip");

            if (backend == Backend.POSTGRESQL) {
                // a rolling update: a node of the previous release beside this one, on the migrated schema
                try (ServerProcess old = ServerProcess.launch(previous, data)) {
                    assertThat(get(old.url("/readyz")).statusCode()).isEqualTo(200);
                    JsonNode seen = awaitBuilds(old, n -> n == 2);
                    assertThat(seen.get("response").findValuesAsText("filename"))
                            .containsExactlyInAnyOrderElementsOf(both.get("response").findValuesAsText("filename"));
                    byte[] third = new byte[1_100_000];
                    new Random(9).nextBytes(third);
                    upload(old, login(old), "Bliss-v16.0-sunfish-OFFICIAL-gapps-20240712.zip", third);
                    JsonNode three = awaitBuilds(server, n -> n == 3);
                    String url = three.get("response").findParents("filename").stream()
                            .filter(b -> b.get("filename").asText().startsWith("Bliss-v16.0")).findFirst().orElseThrow()
                            .get("url").asText();
                    assertThat(download(url)).as("a build the old node took, served by the new one").isEqualTo(third);
                }
            }
        }
    }

    private static ObjectNode withoutUrl(JsonNode build) {
        ObjectNode copy = build.deepCopy();
        copy.remove("url");
        return copy;
    }

    private static String login(ServerProcess server) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/maintainers/login/")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=alice-password")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body()).get("token").asText();
    }

    /** shipper's protocol: one chunk with Content-Range, then the SHA-256 to finish. */
    private static void upload(ServerProcess server, String token, String name, byte[] file) throws Exception {
        String boundary = "b0undary" + name.length();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n" + name + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chunk\"\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        HttpResponse<String> chunk = HTTP.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/maintainers/chunked_upload/")))
                .header("Authorization", "Token " + token).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Content-Range", "bytes 0-" + (file.length - 1) + "/" + file.length)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunk.statusCode()).as(chunk.body()).isEqualTo(200);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(URI.create(Json.parse(chunk.body()).get("url").asText()))
                .header("Authorization", "Token " + token).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("sha256=" + URLEncoder.encode(sha256, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("Build has been uploaded");
    }

    /** The updater's answer once it lists a number of builds {@code count} accepts (inspection runs after the upload). */
    private static JsonNode awaitBuilds(ServerProcess server, Predicate<Integer> count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(server.url(UPDATES));
            body = r.body();
            if (r.statusCode() == 200 && count.test(Json.parse(body).get("response").size())) {
                return Json.parse(body);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the update check did not list the builds within 30 s: " + body);
    }

    private static void awaitBody(String url, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get(url).body();
            if (body.equals(expected)) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(body).isEqualTo(expected);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] download(String url) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
