package dev.depot.api;

import static dev.depot.support.ApiAssertions.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Scope;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The native admin API: the envelope, its error codes, scopes, and what the CLI can also do. */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativeAdminApiTest {
    @Parameter
    Backend backend;
    TestServer server;
    String admin;
    String[] asAdmin;

    @BeforeParameterizedClassInvocation
    void start() {
        server = TestServer.start(backend);
        admin = server.userWithToken("root", true, Scope.ADMIN);
        asAdmin = new String[] {"Authorization", "Bearer " + admin};
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    @Test
    void adminSetsUpAUserATokenADeviceAndAVariant() {
        HttpResponse<String> user = server.postJson("/v1/users", "{\"username\":\"alice\",\"password\":\"correct horse\"}", asAdmin);
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        assertThat(Json.parse(user.body()).get("status").asBoolean()).isTrue();
        assertThat(Json.parse(user.body()).get("data").get("username").asText()).isEqualTo("alice");

        HttpResponse<String> token = server.postJson("/v1/users/alice/tokens",
                "{\"scopes\":\"read,upload\",\"expires\":\"30d\",\"name\":\"ci\"}", asAdmin);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        JsonNode t = Json.parse(token.body()).get("data");
        assertThat(t.get("scopes")).extracting(JsonNode::asText).containsExactly("read", "upload");
        assertThat(t.get("expiresAt").asText()).isNotBlank();
        String secret = t.get("token").asText();
        assertThat(secret).startsWith("dpt_").hasSizeGreaterThanOrEqualTo(40);

        HttpResponse<String> me = server.get("/v1/me", "Authorization", "Bearer " + secret);
        assertThat(Json.parse(me.body()).get("data").get("username").asText()).isEqualTo("alice");
        HttpResponse<String> listed = server.get("/v1/users/alice/tokens", asAdmin);
        assertThat(listed.body()).doesNotContain(secret);

        assertThat(server.postJson("/v1/devices", "{\"codename\":\"lynx\",\"name\":\"Pixel 7a\",\"manufacturer\":\"Google\"}",
                asAdmin).statusCode()).isEqualTo(201);
        assertThat(server.postJson("/v1/variants", "{\"codename\":\"foss\",\"description\":\"FOSS only\"}", asAdmin)
                .statusCode()).isEqualTo(201);
        assertThat(server.postJson("/v1/devices/lynx/maintainers", "{\"username\":\"alice\"}", asAdmin).statusCode())
                .isEqualTo(200);
        HttpResponse<String> patched = server.send("PATCH", "/v1/devices/lynx", "{\"note\":\"<b>beta</b>\",\"maintained\":false}", asAdmin);
        assertThat(Json.parse(patched.body()).get("data").get("note").asText()).isEqualTo("<b>beta</b>");
        assertThat(Json.parse(patched.body()).get("data").get("maintained").asBoolean()).isFalse();
        assertThat(server.depot().ota().devices().mayUploadFor(server.depot().auth().authenticate(secret),
                server.depot().ota().devices().requireDevice("lynx"))).isTrue();
    }

    @Test
    void errorsUseTheEnvelopeAndApplivertysCodes() {
        assertEnvelopeError(server.get("/v1/me"), 401, 4002);
        assertEnvelopeError(server.get("/v1/me", "Authorization", "Bearer dpt_nope"), 401, 4004);
        String reader = server.userWithToken("reader", false, Scope.READ);
        assertEnvelopeError(server.get("/v1/users", "Authorization", "Bearer " + reader), 403, 4003);
        assertEnvelopeError(server.get("/v1/devices/unknown", asAdmin), 404, 3001);
        assertEnvelopeError(server.get("/v1/no/such/route"), 404, 3001);
        assertEnvelopeError(server.postJson("/v1/devices", "{\"codename\":\"bad code\",\"name\":\"x\",\"manufacturer\":\"y\"}",
                asAdmin), 400, 4000);
        assertEnvelopeError(server.postJson("/v1/devices", "{not json", asAdmin), 400, 4000);
        server.postJson("/v1/devices", "{\"codename\":\"dup\",\"name\":\"x\",\"manufacturer\":\"y\"}", asAdmin);
        assertEnvelopeError(server.postJson("/v1/devices", "{\"codename\":\"dup\",\"name\":\"x\",\"manufacturer\":\"y\"}",
                asAdmin), 409, 4009);
    }

    @Test
    void anAdminScopeIsOnlyForAdmins() {
        server.depot().auth().createUser("bob", "password-bob", false);
        assertEnvelopeError(server.postJson("/v1/users/bob/tokens", "{\"scopes\":\"admin\"}", asAdmin), 403, 4003);
        assertEnvelopeError(server.postJson("/v1/users/bob/tokens", "{\"scopes\":\"root\"}", asAdmin), 400, 4000);
    }

    @Test
    void revokedTokensStopWorking() {
        String token = server.userWithToken("carol", false, Scope.READ);
        long id = server.depot().auth().listTokens("carol").getFirst().id();

        assertThat(server.send("DELETE", "/v1/tokens/" + id, null, asAdmin).statusCode()).isEqualTo(200);

        assertEnvelopeError(server.get("/v1/me", "Authorization", "Bearer " + token), 401, 4004);
        assertEnvelopeError(server.send("DELETE", "/v1/tokens/" + id, null, asAdmin), 404, 3001);
    }

    @Test
    void otaSettingsCanBeReadAndChanged() {
        HttpResponse<String> bad = server.send("PATCH", "/v1/settings/ota", "{\"fileNamePattern\":\"(?P<codename>x)\"}", asAdmin);
        assertEnvelopeError(bad, 400, 4000);
        HttpResponse<String> ok = server.send("PATCH", "/v1/settings/ota", "{\"allowedVersions\":\"15.*\"}", asAdmin);
        assertThat(Json.parse(ok.body()).get("data").get("allowedVersions").asText()).isEqualTo("15.*");
        server.send("PATCH", "/v1/settings/ota", "{\"allowedVersions\":\"*\"}", asAdmin);
    }

    @Test
    void tokensAreStoredOnlyAsHashes() {
        String secret = server.userWithToken("dave", false, Scope.READ);
        String stored = server.depot().database().jdbi().withHandle(h ->
                h.createQuery("SELECT token_hash FROM api_tokens WHERE user_id = (SELECT id FROM users WHERE username = 'dave')")
                        .mapTo(String.class).one());
        String password = server.depot().database().jdbi().withHandle(h ->
                h.createQuery("SELECT password_hash FROM users WHERE username = 'dave'").mapTo(String.class).one());

        assertThat(stored).doesNotContain(secret).hasSize(64);
        assertThat(password).startsWith("$argon2id$").doesNotContain("password-dave");
    }

}
