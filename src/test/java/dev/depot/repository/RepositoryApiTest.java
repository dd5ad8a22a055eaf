package dev.depot.repository;

import static dev.depot.support.ApiAssertions.assertEnvelopeError;
import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Repositories: publishing, the native index and changes, update offers, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryApiTest {
    static final String A2DP_SIGNER = "1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b";
    @Parameter
    Backend backend;
    TestServer server;
    AppFixture f;
    String a2dp;
    String jamendo;
    String polite;
    String unsigned;

    @BeforeParameterizedClassInvocation
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(backend);
        f = new AppFixture(server);
        a2dp = f.uploadAndWait(f.maintainer, "apps/a2dp.Vol_137.apk", "tiny").get("id").asText();
        jamendo = f.uploadAndWait(f.maintainer, "apps/com.teleca.jamendo_35.apk", "tiny").get("id").asText();
        polite = f.uploadAndWait(f.maintainer, "apps/com.politedroid_4.apk", "tiny").get("id").asText();
        unsigned = f.uploadAndWait(f.maintainer, "apps/TestActivity_unsigned.apk", "tiny").get("id").asText();
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String repo(String name) {
        ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"" + name + "\",\"title\":\"Store " + name + "\"}",
                bearer(f.maintainer)));
        return name;
    }

    private JsonNode publish(String repo, String buildId) {
        return ok(server.postJson("/v1/organizations/acme/repositories/" + repo + "/builds", "{\"buildId\":\"" + buildId + "\"}",
                bearer(f.maintainer)));
    }

    private JsonNode index(String repo) {
        return ok(server.get("/v1/repositories/" + repo));
    }

    @Test
    void publishingMakesRevisionsAndTheIndexListsThePublishedVersions() {
        String r = repo("store-a");
        String empty = index(r).get("hash").asText();
        assertThat(empty).hasSize(64);

        JsonNode after = publish(r, a2dp);
        assertThat(after.get("revision").asLong()).isEqualTo(1);
        assertThat(after.get("hash").asText()).isNotEqualTo(empty);
        publish(r, jamendo);

        JsonNode idx = index(r);
        assertThat(idx.get("appsCount").asInt()).isEqualTo(2);
        JsonNode app = idx.get("apps").get(0);
        assertThat(app.get("package").asText()).isEqualTo("a2dp.Vol");
        assertThat(app.get("versionCode").asLong()).isEqualTo(137);
        assertThat(app.get("signer").asText()).isEqualTo(A2DP_SIGNER);
        assertThat(app.get("sha256").asText()).hasSize(64);
        HttpResponse<byte[]> file = server.send(HttpRequest.newBuilder(URI.create(app.get("downloadUrl").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).hasSize(app.get("size").asInt());
    }

    @Test
    void publishingABuildWhoseInspectionFailedSaysSoAndWhy() throws Exception {
        String r = repo("store-failed");
        String broken = ok(f.integrationUpload(f.maintainer, "broken.apk", "not a zip at all".getBytes(),
                "organization", "acme", "app", "tiny")).get("id").asText();
        assertThat(f.waitProcessed(f.maintainer, broken).get("status").asText()).isEqualTo("error");
        HttpResponse<String> refused = server.postJson("/v1/organizations/acme/repositories/" + r + "/builds",
                "{\"buildId\":\"" + broken + "\"}", bearer(f.maintainer));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(Json.parse(refused.body()).get("error").get("code").asInt()).isEqualTo(5014);
        assertThat(Json.parse(refused.body()).get("error").get("message").asText())
                .startsWith("The build's inspection failed (").endsWith("only a build that was read successfully can be published.");
    }

    @Test
    void theRepositoryPageListsAppsAndVersionsAndHowToAddItToFdroid() {
        String r = repo("store-web");
        assertThat(server.get("/repositories/store-web").body()).contains("Store store-web", "Nothing is published here yet.");
        assertThat(server.get("/").body()).as("none of its apps yet (and the home page's list is kept until a revision moves)")
                .doesNotContain("href=\"/repositories/store-web\"");
        publish(r, a2dp);
        publish(r, jamendo);

        HttpResponse<String> page = server.get("/repositories/store-web");
        assertThat(page.statusCode()).isEqualTo(200);
        String fingerprint = ok(server.get("/v1/repositories/store-web/fdroid")).get("fingerprint").asText();
        assertThat(page.body()).contains("<code>a2dp.Vol</code>", "(137)", "<code>com.teleca.jamendo</code>",
                server.url("/repositories/store-web/fdroid/repo"), fingerprint, "<svg");
        // a tap on the phone adds it (F-Droid opens fdroidrepo:// for http, fdroidrepos:// for https); both texts copy
        assertThat(page.body()).contains("href=\"" + server.url("/repositories/store-web/fdroid/repo").replace("http://", "fdroidrepo://")
                        + "?fingerprint=" + fingerprint + "\">Add to F-Droid</a>",
                "data-copy=\"" + server.url("/repositories/store-web/fdroid/repo") + "\"", "data-copy=\"" + fingerprint + "\"",
                "Settings → Repositories", "<td data-label=\"SHA-256\">");
        assertThat(server.get("/repositories/no-such-store").statusCode()).isEqualTo(404);

        // the home page lists published apps (their newest version) beside the devices, and searches them
        String home = server.get("/").body();
        assertThat(home).contains("<h2>Apps</h2>", "<code>a2dp.Vol</code>", "<code>com.teleca.jamendo</code>",
                "href=\"/repositories/store-web\"");
        assertThat(server.get("/?q=jamendo").body()).contains("com.teleca.jamendo").doesNotContain("a2dp.Vol");
    }

    @Test
    void theIndexCarriesAnEtagAndAnswers304WhenUnchanged() {
        String r = repo("store-etag");
        publish(r, a2dp);
        HttpResponse<String> first = server.get("/v1/repositories/" + r);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).isEqualTo("\"" + Json.parse(first.body()).get("data").get("hash").asText() + "\"");

        assertThat(server.get("/v1/repositories/" + r, "If-None-Match", etag).statusCode()).isEqualTo(304);
        publish(r, jamendo);
        assertThat(server.get("/v1/repositories/" + r, "If-None-Match", etag).statusCode()).isEqualTo(200);
    }

    @Test
    void changesSinceAHashAreTheNetDifference() {
        String r = repo("store-delta");
        publish(r, a2dp);
        String h1 = index(r).get("hash").asText();
        publish(r, jamendo);
        publish(r, polite);
        ok(server.send("DELETE", "/v1/organizations/acme/repositories/" + r + "/builds/" + a2dp, null, bearer(f.maintainer)));
        ok(server.send("DELETE", "/v1/organizations/acme/repositories/" + r + "/builds/" + polite, null, bearer(f.maintainer)));

        JsonNode d = ok(server.get("/v1/repositories/" + r + "/changes?since=" + h1));

        assertThat(d.get("added")).extracting(n -> n.get("package").asText()).containsExactly("com.teleca.jamendo");
        assertThat(d.get("removed")).extracting(n -> n.get("package").asText()).containsExactly("a2dp.Vol");
        assertThat(d.get("to").asText()).isEqualTo(index(r).get("hash").asText());
        JsonNode none = ok(server.get("/v1/repositories/" + r + "/changes?since=" + index(r).get("hash").asText()));
        assertThat(none.get("added")).isEmpty();
        assertThat(none.get("removed")).isEmpty();
        assertEnvelopeError(server.get("/v1/repositories/" + r + "/changes?since=" + "ab".repeat(32)), 404, 3002);
        assertEnvelopeError(server.get("/v1/repositories/" + r + "/changes"), 400, 4000);
        assertEnvelopeError(server.get("/v1/repositories/nope/changes?since=" + h1), 404, 3001);
    }

    @Test
    void equalListingsHaveEqualHashes() {
        String r = repo("store-equal");
        String empty = index(r).get("hash").asText();
        publish(r, a2dp);
        String one = index(r).get("hash").asText();
        publish(r, jamendo);
        ok(server.send("DELETE", "/v1/organizations/acme/repositories/" + r + "/builds/" + jamendo, null, bearer(f.maintainer)));
        assertThat(index(r).get("hash").asText()).isEqualTo(one);
        ok(server.send("DELETE", "/v1/organizations/acme/repositories/" + r + "/builds/" + a2dp, null, bearer(f.maintainer)));
        assertThat(index(r).get("hash").asText()).isEqualTo(empty);
    }

    @Test
    void updatesAreOfferedOnlyWhenNewerAndSignedByTheSameKey() {
        String r = repo("store-updates");
        publish(r, a2dp);
        String body = "{\"installed\":[{\"package\":\"a2dp.Vol\",\"versionCode\":100,\"signer\":\"" + A2DP_SIGNER + "\"},"
                + "{\"package\":\"a2dp.Vol\",\"versionCode\":100,\"signer\":\"" + "0".repeat(64) + "\"},"
                + "{\"package\":\"a2dp.Vol\",\"versionCode\":137,\"signer\":\"" + A2DP_SIGNER + "\"},"
                + "{\"package\":\"not.there\",\"versionCode\":1,\"signer\":\"" + A2DP_SIGNER + "\"}]}";

        JsonNode u = ok(server.postJson("/v1/repositories/" + r + "/updates", body));

        assertThat(u.get("updates")).hasSize(1);
        assertThat(u.get("updates").get(0).get("versionCode").asLong()).isEqualTo(137);
        assertEnvelopeError(server.postJson("/v1/repositories/" + r + "/updates", "{\"installed\":[{\"package\":1}]}"), 400, 4000);
        assertEnvelopeError(server.postJson("/v1/repositories/" + r + "/updates", "nonsense"), 400, 4000);
    }

    @Test
    void onlyProcessedVerifiedApksOfTheOrganizationCanBePublished() throws Exception {
        String r = repo("store-rules");
        assertEnvelopeError(server.postJson("/v1/organizations/acme/repositories/" + r + "/builds", "{\"buildId\":\"" + unsigned + "\"}",
                bearer(f.maintainer)), 400, 4000);
        JsonNode broken = ok(f.integrationUpload(f.maintainer, "broken.apk", "x".getBytes(), "organization", "acme", "app", "tiny"));
        f.waitProcessed(f.maintainer, broken.get("id").asText());
        assertEnvelopeError(server.postJson("/v1/organizations/acme/repositories/" + r + "/builds",
                "{\"buildId\":\"" + broken.get("id").asText() + "\"}", bearer(f.maintainer)), 409, 5014);
        byte[] ipa = dev.depot.support.Ipas.ipa("Acme", dev.depot.support.Ipas.infoPlist("com.acme.ios", "1", "1", "A")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        JsonNode ios = ok(f.integrationUpload(f.maintainer, "Acme.ipa", ipa, "organization", "acme", "app", "ios-app"));
        assertThat(f.waitProcessed(f.maintainer, ios.get("id").asText()).get("status").asText()).isEqualTo("processed");
        assertEnvelopeError(server.postJson("/v1/organizations/acme/repositories/" + r + "/builds", "{\"buildId\":\"" + ios.get("id").asText()
                + "\"}", bearer(f.maintainer)), 400, 4000);
        publish(r, a2dp);
        assertEnvelopeError(server.postJson("/v1/organizations/acme/repositories/" + r + "/builds", "{\"buildId\":\"" + a2dp + "\"}",
                bearer(f.maintainer)), 409, 4009);
        assertEnvelopeError(server.postJson("/v1/organizations/acme/repositories/" + r + "/builds", "{\"buildId\":\"" + jamendo + "\"}",
                bearer(f.viewer)), 403, 4003);
        assertEnvelopeError(server.postJson("/v1/organizations/globex/repositories", "{\"name\":\"x\"}", bearer(f.maintainer)), 404, 3001);
    }

    @Test
    void aDisabledBuildLeavesTheRepositoryWithARevision() {
        String r = repo("store-disable");
        String id = f.uploadAndWaitQuietly("apps/Test-debug.apk");
        publish(r, id);
        long rev = index(r).get("revision").asLong();

        ok(server.send("PATCH", "/v1/organizations/acme/apps/tiny/builds/" + id, "{\"enabled\":false}", bearer(f.maintainer)));

        JsonNode idx = index(r);
        assertThat(idx.get("revision").asLong()).isEqualTo(rev + 1);
        assertThat(idx.get("apps")).isEmpty();
    }

    @Test
    void twoConcurrentPublishesBothLandAsTwoRevisions() throws Exception {
        String r = repo("store-race");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (String b : new String[] {a2dp, jamendo}) {
                calls.add(pool.submit(() -> server.postJson("/v1/organizations/acme/repositories/" + r + "/builds",
                        "{\"buildId\":\"" + b + "\"}", bearer(f.maintainer))));
            }
            for (Future<HttpResponse<String>> c : calls) {
                assertThat(c.get().statusCode()).as(c.get().body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode idx = index(r);
        assertThat(idx.get("revision").asLong()).isEqualTo(2);
        assertThat(idx.get("appsCount").asInt()).isEqualTo(2);
    }
}
