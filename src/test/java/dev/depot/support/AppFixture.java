package dev.depot.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Scope;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Two organizations (acme, globex) with an Android and an iOS app each, and people in every
 * role: an owner, a maintainer, a viewer, and an outsider who belongs to globex only.
 */
public final class AppFixture {
    public static final Path APKS = Path.of("src", "test", "data", "apk");
    public final TestServer server;
    public final String admin;
    public final String owner;
    public final String maintainer;
    public final String viewer;
    public final String outsider;

    public AppFixture(TestServer server) {
        this.server = server;
        admin = server.userWithToken("root", true, Scope.ADMIN);
        owner = server.userWithToken("olivia", false, Scope.READ, Scope.UPLOAD, Scope.PUBLISH);
        maintainer = server.userWithToken("mark", false, Scope.READ, Scope.UPLOAD, Scope.PUBLISH);
        viewer = server.userWithToken("vera", false, Scope.READ);
        outsider = server.userWithToken("otto", false, Scope.READ, Scope.UPLOAD, Scope.PUBLISH);
        ok(server.postJson("/v1/organizations", "{\"slug\":\"acme\",\"name\":\"Acme\",\"owner\":\"olivia\"}", bearer(admin)));
        ok(server.postJson("/v1/organizations", "{\"slug\":\"globex\",\"name\":\"Globex\",\"owner\":\"otto\"}", bearer(admin)));
        ok(server.send("PUT", "/v1/organizations/acme/members/mark", "{\"role\":\"maintainer\"}", bearer(owner)));
        ok(server.send("PUT", "/v1/organizations/acme/members/vera", "{\"role\":\"viewer\"}", bearer(owner)));
        ok(server.postJson("/v1/organizations/acme/apps", "{\"slug\":\"tiny\",\"name\":\"Tiny\",\"platform\":\"android\"}", bearer(maintainer)));
        ok(server.postJson("/v1/organizations/acme/apps", "{\"slug\":\"ios-app\",\"name\":\"Acme iOS\",\"platform\":\"ios\"}", bearer(maintainer)));
        ok(server.postJson("/v1/organizations/globex/apps", "{\"slug\":\"secret\",\"name\":\"Secret\",\"platform\":\"android\"}", bearer(outsider)));
    }

    public static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    public static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("status").asBoolean()).as(r.body()).isTrue();
        return body.get("data");
    }

    /** Uploads a file the Applivery way; returns the response. */
    public HttpResponse<String> integrationUpload(String token, String fileName, byte[] content, String... fields) {
        String boundary = UUID.randomUUID().toString();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n"
                    + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"build\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/integrations/builds")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "Content-Type",
                "multipart/form-data; boundary=" + boundary, "Authorization", "Bearer " + token);
    }

    /** Uploads a corpus APK to acme/tiny and waits until it is processed or failed; returns the build. */
    public JsonNode uploadAndWait(String token, String corpusPath, String app) throws Exception {
        byte[] bytes = Files.readAllBytes(APKS.resolve(corpusPath));
        String name = Path.of(corpusPath).getFileName().toString();
        JsonNode created = ok(integrationUpload(token, name, bytes, "organization", "acme", "app", app,
                "versionName", "1.0", "changelog", "first", "tags", "beta,qa"));
        return waitProcessed(token, created.get("id").asText());
    }

    /** Uploads a corpus APK to acme/tiny as the maintainer and returns the processed build's id. */
    public String uploadAndWaitQuietly(String corpusPath) {
        try {
            return uploadAndWait(maintainer, corpusPath, "tiny").get("id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode waitProcessed(String token, String buildId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode b = ok(server.get("/v1/integrations/builds/" + buildId, bearer(token)));
            String status = b.get("status").asText();
            if (status.equals("processed") || status.equals("error")) {
                return b;
            }
            assertThat(System.nanoTime()).as("build %s still %s", buildId, status).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
