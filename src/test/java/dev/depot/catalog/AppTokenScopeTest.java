package dev.depot.catalog;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A token bound to one app (what a CI system holds) reaches that app only: the organization's
 * other apps, their builds and downloads do not exist for it, and what concerns the whole
 * organization is forbidden to it.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppTokenScopeTest {
    @Parameter
    Backend backend;
    TestServer server;
    AppFixture f;
    String ciToken;
    String ownBuild;
    String otherBuild;

    @BeforeParameterizedClassInvocation
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(backend);
        f = new AppFixture(server);
        ok(server.postJson("/v1/organizations/acme/apps", "{\"slug\":\"other\",\"name\":\"Other\",\"platform\":\"android\"}",
                bearer(f.maintainer)));
        ownBuild = f.uploadAndWait(f.maintainer, "apps/a2dp.Vol_137.apk", "tiny").get("id").asText();
        otherBuild = f.uploadAndWait(f.maintainer, "apps/com.politedroid_4.apk", "other").get("id").asText();
        ciToken = ok(server.postJson("/v1/organizations/acme/apps/tiny/tokens", "{\"scopes\":\"read,upload,publish\"}",
                bearer(f.maintainer))).get("token").asText();
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) {
        return server.get(path, bearer(ciToken));
    }

    @Test
    void itSeesItsAppAndItsBuilds() {
        JsonNode apps = ok(get("/v1/organizations/acme/apps"));
        assertThat(apps).hasSize(1);
        assertThat(apps.get(0).get("slug").asText()).isEqualTo("tiny");
        assertThat(ok(get("/v1/organizations/acme/apps/tiny/builds")).get(0).get("id").asText()).isEqualTo(ownBuild);
        assertThat(ok(get("/v1/organizations/acme/apps/tiny/builds/" + ownBuild + "/downloadToken?type=file")).get("token"))
                .isNotNull();
        assertThat(ok(get("/v1/organizations")).findValuesAsText("slug")).containsExactly("acme");
    }

    @Test
    void theOrganizationsOtherAppsDoNotExistForIt() {
        for (String path : new String[] {"/v1/organizations/acme/apps/other", "/v1/organizations/acme/apps/other/builds",
                "/v1/organizations/acme/apps/other/builds/" + otherBuild,
                "/v1/organizations/acme/apps/other/builds/" + otherBuild + "/downloadToken?type=file",
                "/v1/organizations/acme/apps/tiny/builds/" + otherBuild, "/v1/integrations/builds/" + otherBuild}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(404);
            assertThat(Json.parse(r.body()).get("error").get("code").asInt()).isEqualTo(3001);
        }
        assertThat(server.send("PATCH", "/v1/organizations/acme/apps/other/builds/" + otherBuild, "{\"enabled\":false}",
                bearer(ciToken)).statusCode()).isEqualTo(404);
    }

    @Test
    void whatConcernsTheWholeOrganizationIsForbidden() {
        assertThat(get("/v1/organizations/acme/members").statusCode()).isEqualTo(403);
        assertThat(server.postJson("/v1/organizations/acme/apps", "{\"slug\":\"more\",\"name\":\"More\"}", bearer(ciToken))
                .statusCode()).isEqualTo(403);
        assertThat(server.postJson("/v1/organizations/acme/apps/tiny/tokens", "{\"scopes\":\"read\"}", bearer(ciToken))
                .statusCode()).isEqualTo(403);
        assertThat(server.send("PUT", "/v1/organizations/acme/members/vera", "{\"role\":\"owner\"}", bearer(ciToken))
                .statusCode()).isEqualTo(403);
        assertThat(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"ci-store\"}", bearer(ciToken))
                .statusCode()).isEqualTo(403);
    }
}
