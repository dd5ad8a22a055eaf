package dev.depot.api;

import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** shipper's public endpoints, field for field, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShipperPublicApiTest {
    @Parameter
    Backend backend;
    TestServer server;
    OtaFixture f;
    long newest;
    long older;

    @BeforeParameterizedClassInvocation
    void start() {
        server = TestServer.start(backend);
        f = new OtaFixture(server);
        older = f.upload("Bliss-v15.7-sunfish-OFFICIAL-gapps-20240401.zip", OtaFixture.randomBytes(1500, 1));
        newest = f.upload("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", OtaFixture.randomBytes(2500, 2));
        f.upload("Bliss-v15.8-sunfish-OFFICIAL-vanilla-20240512.zip", OtaFixture.randomBytes(700, 3));
        long disabled = f.upload("Bliss-v15.9-sunfish-OFFICIAL-gapps-20240601.zip", OtaFixture.randomBytes(100, 4));
        server.postForm("/api/v1/maintainers/build/enabled_status_modify/",
                Map.of("build_id", Long.toString(disabled), "enable", "False"), auth(f.maintainerToken));
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    @Test
    void updaterListsEnabledBuildsNewestFirstWithEveryField() {
        HttpResponse<String> r = server.get("/api/v1/updater/los/sunfish/gapps/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode list = Json.parse(r.body()).get("response");
        assertThat(list).hasSize(2);
        JsonNode first = list.get(0);
        assertThat(first.fieldNames()).toIterable()
                .containsExactly("datetime", "filename", "id", "size", "version", "variant", "url", "romtype");
        assertThat(first.get("datetime").asLong()).isEqualTo(1715472000L); // 2024-05-12T00:00:00Z
        assertThat(first.get("filename").asText()).isEqualTo("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip");
        assertThat(first.get("id").asText()).isEqualTo(OtaFixture.sha256(OtaFixture.randomBytes(2500, 2)));
        assertThat(first.get("size").asLong()).isEqualTo(2500);
        assertThat(first.get("version").asText()).isEqualTo("v15.8");
        assertThat(first.get("variant").asText()).isEqualTo("gapps");
        assertThat(first.get("romtype").asText()).isEqualTo("OFFICIAL");
        assertThat(first.get("url").asText()).startsWith(server.url("/download/builds/" + newest + "/"));
        assertThat(list.get(1).get("version").asText()).isEqualTo("v15.7");
    }

    @Test
    void romtypeComesFromTheVariantAndTheDeviceOverridesIt() {
        JsonNode vanilla = Json.parse(server.get("/api/v1/updater/los/sunfish/vanilla").body()).get("response").get(0);
        assertThat(vanilla.get("romtype").asText()).isEqualTo("UNOFFICIAL");
    }

    @Test
    void latestAliasAnswersLikeV1() {
        assertThat(server.get("/api/latest/updater/los/sunfish/gapps/").body())
                .isEqualTo(server.get("/api/v1/updater/los/sunfish/gapps/").body());
    }

    @Test
    void updaterErrors() {
        assertError(server.get("/api/v1/updater/los/nodevice/gapps/"), 404, "The specified device does not exist!");
        assertError(server.get("/api/v1/updater/los/sunfish/nightly/"), 400, "Wrong parameter. Try with the correct parameters.");
        assertError(server.get("/api/v1/updater/los/x86_64/gapps/"), 400, "This endpoint is for arm devices only.");
        assertError(server.get("/api/v1/updater/los/x86/gapps/"), 400, "This endpoint is for arm devices only.");
        assertError(server.get("/api/v1/updater/los/hidden/gapps/"), 404, "No builds exist for the specified variant yet!");
    }

    @Test
    void codenamesWithSqlOrHtmlMetacharactersAreJustUnknown() {
        assertError(server.get("/api/v1/updater/los/x'%20OR%201=1--/gapps/"), 404, "The specified device does not exist!");
        assertError(server.get("/api/v1/updater/los/%3Cscript%3E/gapps/"), 404, "The specified device does not exist!");
        // Jetty refuses an encoded NUL in a path before any handler runs
        assertThat(server.get("/api/v1/updater/los/sun%00fish/gapps/").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/updater/los/sunfish/gap%00ps/").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/updater/los/sunfish/gapps/").statusCode()).isEqualTo(200);
    }

    @Test
    void x86UpdaterCarriesTheX86Type() {
        var ota = server.depot().ota();
        String before = ota.buildNames().fileNamePattern().python();
        ota.buildNames().setFileNamePattern("[A-Za-z]+-(?P<version>[a-z0-9.]+)-(?P<codename>[A-Za-z0-9_]+)(?:-(?P<x86_type>[a-z]+))?"
                + "-OFFICIAL-(?P<variant>[a-z]+)-(?P<date>[0-9]{8}).zip");
        try {
            f.upload("Bliss-v15.8-x86_64-generic-OFFICIAL-gapps-20240512.zip", OtaFixture.randomBytes(300, 5));

            JsonNode list = Json.parse(server.get("/api/v1/updater/los/x86_64/generic/gapps/").body()).get("response");
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("x86_type").asText()).isEqualTo("generic");
            assertThat(list.get(0).get("romtype").asText()).isEqualTo("OFFICIAL");
            assertError(server.get("/api/v1/updater/los/x86_64/arm/gapps/"), 400,
                    "Wrong parameter. Try with the correct parameters.");
            assertError(server.get("/api/v1/updater/los/sunfish/generic/gapps/"), 400,
                    "This endpoint is for x86_64 devices only.");
        } finally {
            ota.buildNames().setFileNamePattern(before);
        }
    }

    @Test
    void deviceListShowsVisibleDevicesWithPublishedVariants() {
        JsonNode all = Json.parse(server.get("/api/v1/general/device/all/").body());

        assertThat(all.has("hidden")).isFalse();
        JsonNode sunfish = all.get("sunfish");
        assertThat(sunfish.fieldNames()).toIterable().containsExactly("status", "variants", "note");
        assertThat(sunfish.get("status").asBoolean()).isTrue();
        assertThat(sunfish.get("note").asText()).isEqualTo("Stable builds");
        assertThat(sunfish.get("variants")).extracting(JsonNode::asText).containsExactly("gapps", "vanilla");
    }

    @Test
    void maintainerLists() {
        JsonNode all = Json.parse(server.get("/api/v1/general/maintainer/all/").body());
        JsonNode m = all.get("maint");
        assertThat(m.fieldNames()).toIterable()
                .containsExactly("active", "name", "bio", "profile_picture", "contact_url", "devices");
        assertThat(m.get("name").asText()).isEqualTo("Mai Ntainer");
        assertThat(m.get("devices")).extracting(JsonNode::asText).containsExactly("sunfish", "x86_64");
        assertThat(all.has("outsider")).isFalse();

        JsonNode active = Json.parse(server.get("/api/v1/general/maintainer/active/").body()).get("maint");
        assertThat(active.has("active")).isFalse();
        assertThat(active.get("contact_url").asText()).isEqualTo("https://example.org/maint");
    }

    @Test
    void latestBuild() {
        HttpResponse<String> r = server.get("/api/v1/general/build/latest/sunfish/gapps/");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode b = Json.parse(r.body());
        assertThat(b.fieldNames()).toIterable().containsExactly("datetime", "filename", "sha256", "size", "version",
                "variant", "mirror_url", "metadata");
        assertThat(b.get("filename").asText()).isEqualTo("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip");
        assertThat(b.get("metadata").isObject()).isTrue();
        assertError(server.get("/api/v1/general/build/latest/nodevice/gapps/"), 404, "The specified device does not exist!");
        assertError(server.get("/api/v1/general/build/latest/hidden/gapps/"), 404, "No builds exist for the specified variant yet!");
        assertError(server.get("/api/v1/general/build/latest/sunfish/bad/"), 400, "Wrong parameter. Try with the correct parameters.");
    }

    @Test
    void systemInfoSatisfiesShippysVersionCheck() {
        JsonNode info = Json.parse(server.get("/api/v1/system/info").body());

        assertThat(info.get("version").asText()).isEqualTo("2.43.0");
        assertThat(info.get("shippy_upload_checksum_type").asText()).isEqualTo("sha256");
        assertThat(info.get("shippy_upload_variants").get("gapps").asText()).isEqualTo("With Google apps");
        assertThat(info.get("shippy_allowed_versions").asText()).isEqualTo("*");
        assertThat(info.has("shippy_compat_version")).isTrue();
        assertThat(info.get("depot_version").asText()).isNotBlank();
        assertThat(server.get("/api/v2/system/info/").body()).isEqualTo(server.get("/api/v1/system/info").body());
    }

    private static void assertError(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(Json.parse(r.body())).isEqualTo(Json.parse("{\"message\":" + quote(message) + "}"));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\\\"") + "\"";
    }
}
