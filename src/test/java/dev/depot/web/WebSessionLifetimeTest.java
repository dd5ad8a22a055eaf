package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.MutableClock;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import dev.depot.support.WebClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A web session lasts web.session-ttl, and ended sessions are forgotten a day later (API tokens are kept). */
class WebSessionLifetimeTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(Backend.SQLITE, Files.createTempDirectory("depot-session-"), clock,
                Map.of(Setting.SESSION_TTL, "1h"));
        new OtaFixture(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSessionEndsAfterItsLifetimeAndIsForgottenADayLater() {
        WebClient web = new WebClient(server);
        web.signIn("maint", "password-maint");
        assertThat(WebClient.setCookie(server.get("/login"), "depot_session")).isEmpty();
        assertThat(web.get("/dashboard").statusCode()).isEqualTo(200);
        long revokedApiToken = server.depot().auth().listTokens("maint").getFirst().id();
        server.depot().auth().revokeToken(revokedApiToken);

        clock.advance(Duration.ofMinutes(61));
        assertThat(web.get("/dashboard").statusCode()).as("expired: sign in again").isEqualTo(303);
        assertThat(server.depot().auth().removeEndedSessions()).as("ended less than a day ago").isZero();

        clock.advance(Duration.ofDays(1));
        assertThat(server.depot().auth().removeEndedSessions()).isEqualTo(1);
        assertThat(server.depot().auth().listTokens("maint")).extracting(t -> t.id())
                .as("API tokens stay, revoked or not").contains(revokedApiToken);
        assertThat(server.depot().auth().listTokens("maint")).noneMatch(t -> t.name().equals("web session"));
    }
}
