package dev.depot.api;

import static dev.depot.support.ApiAssertions.assertShipperDetail;
import static dev.depot.support.ApiAssertions.assertShipperError;
import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Scope;
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

/** shipper's maintainer endpoints (login, token check, pattern, duplicate check, enabling) on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShipperMaintainerApiTest {
    @Parameter
    Backend backend;
    TestServer server;
    OtaFixture f;

    @BeforeParameterizedClassInvocation
    void start() {
        server = TestServer.start(backend);
        f = new OtaFixture(server);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    @Test
    void loginIssuesATokenThatPassesTokenCheck() {
        HttpResponse<String> r = server.postForm("/api/v1/maintainers/login/",
                Map.of("username", "maint", "password", "password-maint"));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("message").asText()).isEqualTo("Successfully logged in!");
        String token = body.get("token").asText();
        HttpResponse<String> check = server.get("/api/v1/maintainers/token_check/", auth(token));
        assertThat(check.statusCode()).isEqualTo(200);
        assertThat(Json.parse(check.body())).isEqualTo(Json.parse("{\"username\":\"maint\"}"));
    }

    @Test
    void loginWithoutTrailingSlashAndWithJsonAsShippyAndScriptsSendIt() {
        assertThat(server.postForm("/api/v1/maintainers/login", Map.of("username", "maint", "password", "password-maint"))
                .statusCode()).isEqualTo(200);
        assertThat(server.postJson("/api/v1/maintainers/login/", "{\"username\":\"maint\",\"password\":\"password-maint\"}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void loginErrors() {
        assertShipperError(server.postForm("/api/v1/maintainers/login/", Map.of("username", "maint")),
                400, "blank_username_or_password");
        assertShipperError(server.postForm("/api/v1/maintainers/login/", Map.of("username", "", "password", "x")),
                400, "blank_username_or_password");
        assertShipperError(server.postForm("/api/v1/maintainers/login/", Map.of("username", "maint", "password", "wrong")),
                404, "invalid_credential");
        assertShipperError(server.postForm("/api/v1/maintainers/login/", Map.of("username", "nobody", "password", "wrong")),
                404, "invalid_credential");
        assertShipperError(server.postForm("/api/v1/maintainers/login/", Map.of("username", "ma\u0000int", "password", "x")),
                404, "invalid_credential");
    }

    @Test
    void tokenCheckRefusesMissingBadAndUnderScopedTokens() {
        assertShipperDetail(server.get("/api/v1/maintainers/token_check/"), 401, "Authentication credentials were not provided.");
        assertShipperDetail(server.get("/api/v1/maintainers/token_check/", auth("dpt_not-a-real-token")), 401, "Invalid token.");
        assertShipperDetail(server.get("/api/v1/maintainers/token_check/", "Authorization", "Basic Zm9vOmJhcg=="), 401,
                "Authentication credentials were not provided.");
        String feedOnly = server.userWithToken("analyst", false, Scope.FEED);
        assertShipperDetail(server.get("/api/v1/maintainers/token_check/", auth(feedOnly)), 403,
                "This token lacks the 'read' scope.");
        assertThat(server.get("/api/v1/maintainers/token_check/", "Authorization", "Bearer " + f.maintainerToken)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void revokedTokenIsInvalid() {
        String token = server.userWithToken("leaver", false, Scope.READ);
        long id = server.depot().auth().listTokens("leaver").getFirst().id();
        server.depot().auth().revokeToken(id);

        assertShipperDetail(server.get("/api/v1/maintainers/token_check/", auth(token)), 401, "Invalid token.");
    }

    @Test
    void patternIsHandedOutInPythonSyntaxWithAndWithoutSlash() {
        for (String path : new String[] {"/api/v1/maintainers/upload_filename_regex_pattern",
                "/api/v1/maintainers/upload_filename_regex_pattern/"}) {
            HttpResponse<String> r = server.get(path, auth(f.maintainerToken));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Json.parse(r.body()).get("pattern").asText()).isEqualTo(
                    "[A-Za-z]+-(?P<version>[a-z0-9.]+)-(?P<codename>[A-Za-z0-9_]+)-OFFICIAL-(?P<variant>[a-z]+)-(?P<date>[0-9]{8}).zip");
        }
        assertShipperDetail(server.get("/api/v1/maintainers/upload_filename_regex_pattern"), 401,
                "Authentication credentials were not provided.");
    }

    @Test
    void duplicateCheck() {
        f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(10, 11));

        assertThat(exists("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip")).isTrue();
        assertThat(exists("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101")).isTrue();
        assertThat(exists("Bliss-v9.9-sunfish-OFFICIAL-gapps-20240101.zip")).isFalse();
        assertShipperError(server.postForm("/api/v1/maintainers/build/duplicate_check/", Map.of(), auth(f.maintainerToken)),
                400, "missing_parameters");
    }

    private boolean exists(String name) {
        HttpResponse<String> r = server.postForm("/api/v1/maintainers/build/duplicate_check/", Map.of("file_name", name),
                auth(f.maintainerToken));
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.parse(r.body()).get("exists").asBoolean();
    }

    @Test
    void enabledStatusModify() {
        long id = f.upload("Bliss-v2.0-sunfish-OFFICIAL-vanilla-20240202.zip", OtaFixture.randomBytes(10, 12));
        String path = "/api/v1/maintainers/build/enabled_status_modify/";

        HttpResponse<String> off = server.postForm(path, Map.of("build_id", Long.toString(id), "enable", "False"),
                auth(f.maintainerToken));
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(Json.parse(off.body()).get("message").asText()).isEqualTo("Successfully disabled the build!");
        assertThat(server.get("/api/v1/updater/los/sunfish/vanilla/").body()).doesNotContain("v2.0");

        HttpResponse<String> on = server.postForm(path, Map.of("build_id", Long.toString(id), "enable", "True"),
                auth(f.maintainerToken));
        assertThat(Json.parse(on.body()).get("message").asText()).isEqualTo("Successfully enabled the build!");
        assertThat(server.get("/api/v1/updater/los/sunfish/vanilla/").body()).contains("v2.0");

        assertShipperError(server.postForm(path, Map.of("build_id", Long.toString(id)), auth(f.maintainerToken)),
                400, "missing_parameters");
        assertShipperError(server.postForm(path, Map.of("build_id", "abc", "enable", "True"), auth(f.maintainerToken)),
                400, "invalid_parameters");
        assertShipperError(server.postForm(path, Map.of("build_id", Long.toString(id), "enable", "True"),
                auth(f.outsiderToken)), 401, "insufficient_permissions");
        assertShipperDetail(server.postForm(path, Map.of("build_id", "999999", "enable", "True"), auth(f.maintainerToken)),
                404, "Not found.");
        String readOnly = server.userWithToken("maint", false, Scope.READ);
        assertShipperDetail(server.postForm(path, Map.of("build_id", Long.toString(id), "enable", "True"), auth(readOnly)),
                403, "This token lacks the 'publish' scope.");
    }


}
