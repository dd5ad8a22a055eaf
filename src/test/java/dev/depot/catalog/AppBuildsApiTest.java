package dev.depot.catalog;

import static dev.depot.support.ApiAssertions.assertEnvelopeError;
import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.storage.BlobKey;
import dev.depot.support.AppFixture;
import dev.depot.support.Stack;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Organizations, roles, apps and app builds through the native API, with real APKs, on both databases. */
@ParameterizedClass
@MethodSource("dev.depot.support.Stack#all")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppBuildsApiTest {
    @Parameter
    Stack stack;
    TestServer server;
    AppFixture f;

    @BeforeParameterizedClassInvocation
    void start() {
        server = TestServer.start(stack);
        f = new AppFixture(server);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    @BeforeEach
    void needsCorpus() {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
    }

    @Test
    void anUploadedApkIsInspectedAndItsFactsAgreeWithAapt() throws Exception {
        JsonNode b = f.uploadAndWait(f.maintainer, "apps/a2dp.Vol_137.apk", "tiny");

        assertThat(b.get("status").asText()).isEqualTo("processed");
        assertThat(b.get("kind").asText()).isEqualTo("apk");
        assertThat(b.get("versionCode").asLong()).isEqualTo(137);
        JsonNode facts = b.get("facts");
        assertThat(facts.get("packageName").asText()).isEqualTo("a2dp.Vol");
        assertThat(facts.get("label").asText()).isEqualTo("A2DP Volume");
        assertThat(facts.get("minSdk").asInt()).isEqualTo(15);
        assertThat(facts.get("signing").get("verified").asBoolean()).isTrue();
        assertThat(facts.get("signing").get("signerCertSha256").get(0).asText())
                .isEqualTo("1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b");
        assertThat(b.get("changelog").asText()).isEqualTo("first");
        assertThat(b.get("tags")).extracting(JsonNode::asText).containsExactly("beta", "qa");
    }

    @Test
    void aFileAaptRefusesEndsInErrorWithTheReason() throws Exception {
        JsonNode b = f.uploadAndWait(f.maintainer, "apksig/v2-only-truncated-cd.apk", "tiny");

        assertThat(b.get("status").asText()).isEqualTo("error");
        assertThat(b.get("error").asText()).contains("not a ZIP archive");
    }

    @Test
    void notAnApkAtAllEndsInError() throws Exception {
        JsonNode created = ok(f.integrationUpload(f.maintainer, "junk.apk", "not a zip".getBytes(), "organization", "acme", "app", "tiny"));
        JsonNode b = f.waitProcessed(f.maintainer, created.get("id").asText());

        assertThat(b.get("status").asText()).isEqualTo("error");
        assertThat(b.get("error").asText()).isNotBlank();
    }

    @Test
    void anotherOrganizationsThingsDoNotExistForYou() {
        String globexApp = "/v1/organizations/globex/apps/secret";
        assertEnvelopeError(server.get(globexApp, bearer(f.maintainer)), 404, 3001);
        assertEnvelopeError(server.get("/v1/organizations/globex", bearer(f.maintainer)), 404, 3001);
        assertEnvelopeError(server.get(globexApp + "/builds", bearer(f.viewer)), 404, 3001);
        assertEnvelopeError(f.integrationUpload(f.maintainer, "x.apk", new byte[] {1}, "organization", "globex", "app", "secret"), 404, 3001);
        assertThat(ok(server.get("/v1/organizations", bearer(f.maintainer)))).extracting(n -> n.get("slug").asText())
                .containsExactly("acme");
        assertThat(ok(server.get("/v1/organizations", bearer(f.admin)))).hasSize(2);
    }

    @Test
    void rolesLimitWhatMembersMayDo() {
        assertEnvelopeError(server.postJson("/v1/organizations/acme/apps", "{\"slug\":\"nope\",\"name\":\"No\"}", bearer(f.viewer)), 403, 4003);
        assertEnvelopeError(server.send("PUT", "/v1/organizations/acme/members/otto", "{\"role\":\"viewer\"}", bearer(f.maintainer)), 403, 4003);
        assertEnvelopeError(server.send("DELETE", "/v1/organizations/acme/members/olivia", null, bearer(f.owner)), 400, 4000);
        assertThat(ok(server.get("/v1/organizations/acme", bearer(f.viewer))).get("role").asText()).isEqualTo("viewer");
        assertThat(ok(server.get("/v1/organizations/acme/members", bearer(f.viewer)))).hasSize(3);
    }

    @Test
    void buildsCanBeDisabledRetaggedAndDeletedAndTheirBlobStaysWhileReferenced() throws Exception {
        JsonNode a = f.uploadAndWait(f.maintainer, "apps/hello-world.apk", "tiny");
        JsonNode b = f.uploadAndWait(f.maintainer, "apps/hello-world.apk", "tiny");
        String base = "/v1/organizations/acme/apps/tiny/builds/";
        BlobKey key = new BlobKey(a.get("sha256").asText());

        JsonNode patched = ok(server.send("PATCH", base + a.get("id").asText(),
                "{\"enabled\":false,\"changelog\":\"fixed\",\"tags\":\"rc1\"}", bearer(f.maintainer)));
        assertThat(patched.get("enabled").asBoolean()).isFalse();
        assertThat(patched.get("changelog").asText()).isEqualTo("fixed");
        assertEnvelopeError(server.send("PATCH", base + a.get("id").asText(), "{\"enabled\":true}", bearer(f.viewer)), 403, 4003);
        String tooLong = "x".repeat(dev.depot.core.LongText.MAX + 1);
        assertEnvelopeError(server.send("PATCH", base + b.get("id").asText(), "{\"enabled\":false,\"changelog\":\"" + tooLong + "\"}",
                bearer(f.maintainer)), 400, 4000);
        assertThat(ok(server.get(base + b.get("id").asText(), bearer(f.maintainer))).get("enabled").asBoolean())
                .as("a refused change changes nothing").isTrue();

        ok(server.send("DELETE", base + a.get("id").asText(), null, bearer(f.maintainer)));
        assertThat(server.depot().blobs().exists(key)).as("still referenced by the second build").isTrue();
        ok(server.send("DELETE", base + b.get("id").asText(), null, bearer(f.maintainer)));
        assertThat(server.depot().blobs().exists(key)).as("the feed's links need it for a week").isTrue();
        assertEnvelopeError(server.get(base + b.get("id").asText(), bearer(f.maintainer)), 404, 3001);
    }

    @Test
    void anAppTokenUploadsWithoutNamingTheApp() throws Exception {
        JsonNode t = ok(server.postJson("/v1/organizations/acme/apps/tiny/tokens", "{\"scopes\":\"read,upload\"}", bearer(f.maintainer)));
        byte[] apk = Files.readAllBytes(AppFixture.APKS.resolve("apps/TestActivity.apk"));

        JsonNode created = ok(f.integrationUpload(t.get("token").asText(), "TestActivity.apk", apk));
        JsonNode b = f.waitProcessed(t.get("token").asText(), created.get("id").asText());

        assertThat(b.get("status").asText()).isEqualTo("processed");
        assertThat(ok(server.get("/v1/organizations/acme/apps/tiny/builds", bearer(f.viewer))))
                .extracting(n -> n.get("id").asText()).contains(created.get("id").asText());
    }

    @Test
    void uploadErrors() {
        assertEnvelopeError(f.integrationUpload(f.maintainer, "a.apk", new byte[] {1}), 400, 4000);
        assertEnvelopeError(f.integrationUpload(f.maintainer, "a.ipa", new byte[] {1}, "organization", "acme", "app", "tiny"), 400, 4000);
        assertEnvelopeError(f.integrationUpload(f.maintainer, "../a.apk", new byte[] {1}, "organization", "acme", "app", "tiny"), 400, 4000);
        assertEnvelopeError(f.integrationUpload(f.viewer, "a.apk", new byte[] {1}, "organization", "acme", "app", "tiny"), 403, 4003);
        HttpResponse<String> bad = f.integrationUpload(f.maintainer, "a.apk", new byte[] {1, 2, 3}, "organization", "acme",
                "app", "tiny", "sha256", "00".repeat(32));
        assertEnvelopeError(bad, 400, 4000);
    }

}
