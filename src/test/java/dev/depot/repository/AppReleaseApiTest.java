package dev.depot.repository;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Releases of app builds, as a repository's update check follows them, on both databases: an app
 * without releases is offered what the repository lists; with releases, only what its channels
 * offer the phone; its phones report through the repository.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class AppReleaseApiTest {
    private static final String RELEASES = "/v1/organizations/acme/apps/tiny/releases";
    private static final String CHECK = "{\"installed\":[{\"package\":\"a2dp.Vol\",\"versionCode\":100,\"signer\":\""
            + RepositoryApiTest.A2DP_SIGNER + "\"}]%s}";

    @Parameter
    Backend backend;
    TestServer server;
    AppFixture f;
    String a2dp;
    String jamendo;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(backend);
        f = new AppFixture(server);
        a2dp = f.uploadAndWait(f.maintainer, "apps/a2dp.Vol_137.apk", "tiny").get("id").asText();
        jamendo = f.uploadAndWait(f.maintainer, "apps/com.teleca.jamendo_35.apk", "tiny").get("id").asText();
        ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"store\"}", bearer(f.maintainer)));
        ok(server.postJson("/v1/organizations/acme/repositories/store/builds", "{\"buildId\":\"" + a2dp + "\"}",
                bearer(f.maintainer)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int offered(String extra) {
        return ok(server.postJson("/v1/repositories/store/updates", CHECK.formatted(extra))).get("updates").size();
    }

    private long release(String channel, String build, String percentage) {
        return ok(server.postJson(RELEASES, "{\"channel\":\"" + channel + "\",\"build\":" + build + ",\"percentage\":"
                + percentage + "}", bearer(f.maintainer))).get("id").asLong();
    }

    @Test
    void anAppsReleasesDecideWhatItsPhonesAreOffered() {
        assertThat(offered("")).as("no releases: what the repository lists").isEqualTo(1);

        release("stable", jamendo, "100");
        assertThat(offered("")).as("a2dp's build is released nowhere").isZero();

        long beta = release("beta", a2dp, "100");
        assertThat(offered("")).isZero();
        assertThat(offered(",\"channel\":\"beta\"")).isEqualTo(1);

        long staged = ok(server.postJson(RELEASES + "/" + beta + "/promote", "{\"channel\":\"stable\",\"percentage\":0}",
                bearer(f.maintainer))).get("id").asLong();
        assertThat(offered(",\"installation\":\"phone-1\"")).as("at 0 %").isZero();
        ok(server.postJson(RELEASES + "/" + staged + "/rollout", "{\"percentage\":100}", bearer(f.maintainer)));
        assertThat(offered(",\"installation\":\"phone-1\"")).isEqualTo(1);

        assertThat(server.postJson(RELEASES, "{\"channel\":\"stable\",\"build\":" + a2dp + "}", bearer(f.viewer)).statusCode())
                .as("a viewer cannot release").isEqualTo(403);
        assertThat(server.get(RELEASES, bearer(f.viewer)).statusCode()).as("but may look").isEqualTo(200);
        assertThat(server.get(RELEASES, bearer(f.outsider)).statusCode()).isEqualTo(404);
    }

    @Test
    void phonesReportThroughTheRepositoryTheyUpdateFrom() {
        long r = release("stable", a2dp, "100");
        JsonNode claim = ok(server.postJson("/v1/repositories/store/installations/phone-1/token", "{\"package\":\"a2dp.Vol\"}"));
        String token = claim.get("token").asText();
        assertThat(server.postJson("/v1/repositories/store/installations/phone-1/token", "{\"package\":\"not.there\"}")
                .statusCode()).isEqualTo(404);
        JsonNode s = ok(server.postJson("/v1/repositories/store/installations/phone-1/reports",
                "{\"package\":\"a2dp.Vol\",\"release\":" + r + ",\"step\":\"installed\"}", "Depot-Installation-Token", token));
        assertThat(s.get("step").asText()).isEqualTo("installed");
        JsonNode status = Json.parse(server.get(RELEASES + "/" + r, bearer(f.maintainer)).body()).get("data");
        assertThat(status.get("funnel").get("installed").asLong()).isEqualTo(1);
        JsonNode phones = ok(server.get("/v1/organizations/acme/apps/tiny/installations", bearer(f.maintainer)));
        assertThat(phones).extracting(i -> i.get("id").asText()).containsExactly("phone-1");
    }
}
