package dev.depot.tuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.support.WebClient;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.MutableClock;
import dev.depot.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiry: the check signs again what has half its life left (the timestamp twice a day, the rest
 * rarely), and /readyz and the metrics warn when a role is within a day of expiry (a quarter of
 * its life when that is shorter) because signing stopped.
 */
class TufExpiryTest {
    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    TestServer server;
    TufService tuf;

    @BeforeEach
    void start() {
        server = TestServer.start(Backend.SQLITE, dir.resolve("data"), clock, Map.of(Setting.TUF_KEY_SECRET,
                "a secret that seals the keys", Setting.TUF_CHECK_INTERVAL, "7d"));
        tuf = server.depot().tuf().service();
        SigningKey root = SigningKey.generate(TufKey.Algorithm.ED25519);
        tuf.importRoot(TufService.sign(tuf.init(List.of(root.publicKey()), 1), root));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private double gauge(String role) {
        String metrics = server.get("/metrics").body();
        Matcher m = Pattern.compile("depot_tuf_expires_in_seconds\\{role=\"" + role + "\",?\\} (\\S+)").matcher(metrics);
        assertThat(m.find()).as(metrics.lines().filter(l -> l.contains("tuf")).toList().toString()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void whatNearsExpiryIsSignedAgainAndWhatCannotBeIsWarnedOf() {
        assertThat(tuf.refresh().changed()).isFalse();
        assertThat(Json.parse(server.get("/readyz").body()).get("tuf").asText()).isEqualTo("ok");
        assertThat(gauge("timestamp")).isEqualTo(Duration.ofDays(1).toSeconds());
        assertThat(gauge("root")).isEqualTo(Duration.ofDays(365).toSeconds());

        clock.advance(Duration.ofHours(11));
        assertThat(tuf.refresh().changed()).isFalse(); // more than half of its day left
        clock.advance(Duration.ofHours(2));
        assertThat(tuf.refresh().signed()).containsExactly("timestamp");
        assertThat(gauge("timestamp")).isEqualTo(Duration.ofDays(1).toSeconds());

        // signing stops (no node checks): 19 hours on, 5 are left, less than a quarter of its day
        clock.advance(Duration.ofHours(19));
        JsonNode ready = Json.parse(server.get("/readyz").body());
        assertThat(ready.get("status").asText()).isEqualTo("ok"); // it still serves: a warning, not a failure
        assertThat(ready.get("tuf").asText()).startsWith("expires soon: timestamp v2 at 2026-12-02T13:00:00Z");
        assertThat(gauge("timestamp")).isEqualTo(Duration.ofHours(5).toSeconds());
        server.userWithToken("root", true, Scope.ADMIN);
        WebClient admin = new WebClient(server);
        admin.signIn("root", "password-root");
        String page = admin.get("/admin/tuf").body();
        assertThat(page).contains("<code>timestamp</code>").contains("(in 5 h) <strong>near expiry</strong>")
                .contains("1 of").contains("(offline)");

        // four days on the snapshot has half its week left too; 20 days on, targets its month
        clock.advance(Duration.ofDays(4));
        assertThat(tuf.refresh().signed()).containsExactly("snapshot", "timestamp");
        clock.advance(Duration.ofDays(13));
        assertThat(tuf.refresh().signed()).containsExactly("targets", "snapshot", "timestamp");
        assertThat(Json.parse(server.get("/readyz").body()).get("tuf").asText()).isEqualTo("ok");

        // the root is offline: nothing signs it, so it is warned of
        clock.advance(Duration.between(clock.instant(), Instant.parse("2026-12-01T00:00:00Z").plus(Duration.ofDays(364).plusHours(12))));
        assertThat(tuf.nearExpiry()).extracting(TufService.RoleStatus::role).contains("root");
        assertThat(Json.parse(server.get("/readyz").body()).get("tuf").asText()).contains("root v1");
    }
}
