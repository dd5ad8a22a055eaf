package dev.depot.api;

import static dev.depot.support.ApiAssertions.assertShipperDetail;
import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.MutableClock;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Time-bound things: upload sessions expire after a day and are cleaned up; tokens expire. */
@ParameterizedClass
@EnumSource(Backend.class)
class UploadExpiryTest {
    @Parameter
    Backend backend;
    MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    TestServer server;
    OtaFixture f;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(backend, Files.createTempDirectory("depot-expiry"), clock,
                Map.of(Setting.UPLOAD_CLEANUP_INTERVAL, "1h"));
        f = new OtaFixture(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anExpiredSessionIsGoneAndCleanedUpWithItsBytes() throws Exception {
        String name = "Bliss-v12.0-sunfish-OFFICIAL-gapps-20241212.zip";
        byte[] part = OtaFixture.randomBytes(1000, 70);
        String id = Json.parse(f.shippy.putChunk(null, name, part, 0, 2000).body()).get("id").asText();
        assertThat(Files.exists(server.dataDir().resolve("uploads/" + id + ".part"))).isTrue();

        clock.advance(Duration.ofHours(24).plusSeconds(1));

        assertShipperDetail(f.shippy.putChunk(id, name, part, 1000, 2000), 410, "Upload has expired");
        assertShipperDetail(f.shippy.finalizeUpload(id, OtaFixture.sha256(part)), 410, "Upload has expired");
        assertThat(server.depot().uploads().removeExpired()).isEqualTo(1);
        assertThat(Files.exists(server.dataDir().resolve("uploads/" + id + ".part"))).isFalse();
        assertThat(Json.parse(f.shippy.list().body())).isEmpty();
    }

    @Test
    void aSessionJustBeforeItsExpiryStillWorks() {
        String name = "Bliss-v12.1-sunfish-OFFICIAL-gapps-20241212.zip";
        byte[] data = OtaFixture.randomBytes(2000, 71);
        String id = Json.parse(f.shippy.putChunk(null, name, java.util.Arrays.copyOf(data, 1000), 0, 2000).body())
                .get("id").asText();
        clock.advance(Duration.ofHours(23));

        assertThat(f.shippy.putChunk(id, name, java.util.Arrays.copyOfRange(data, 1000, 2000), 1000, 2000).statusCode())
                .isEqualTo(200);
        assertThat(server.depot().uploads().removeExpired()).isZero();
        assertThat(f.shippy.finalizeUpload(id, OtaFixture.sha256(data)).statusCode()).isEqualTo(200);
    }

    @Test
    void expiredTokensAreRefused() {
        var user = server.depot().auth().requireUser("maint");
        String token = server.depot().auth().createToken(user, "short", java.util.EnumSet.of(Scope.READ),
                Duration.ofMinutes(5)).secret();
        assertThat(server.get("/api/v1/maintainers/token_check/", auth(token)).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(6));

        assertShipperDetail(server.get("/api/v1/maintainers/token_check/", auth(token)), 401, "Token has expired.");
        var r = server.get("/v1/me", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Json.parse(r.body()).get("error").get("code").asInt()).isEqualTo(4005);
    }

    @Test
    void loginTokensExpireAfterTheConfiguredLifetime() {
        String token = Json.parse(server.postForm("/api/v1/maintainers/login/",
                Map.of("username", "maint", "password", "password-maint")).body()).get("token").asText();

        clock.advance(Duration.ofDays(30).plusSeconds(1));

        assertShipperDetail(server.get("/api/v1/maintainers/token_check/", auth(token)), 401, "Token has expired.");
    }
}
