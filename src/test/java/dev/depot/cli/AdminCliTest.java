package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.Backend;
import dev.depot.support.CliRun;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The admin commands, run while a server serves the same data, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class AdminCliTest {
    @Parameter
    Backend backend;
    TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    private CliRun depot(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--data=" + server.dataDir());
        all.add("--database-url=" + server.settings().databaseUrl());
        return CliRun.depot(stdin, all.toArray(String[]::new));
    }

    @Test
    void anAdminSetsUpAMaintainerWhileTheServerRuns() {
        server = TestServer.start(backend);

        assertThat(depot("s3cret-password\n", "user", "add", "maria", "--password-stdin").exit()).isZero();
        CliRun token = depot(null, "token", "create", "--user", "maria", "--scope", "read,upload", "--expires", "7d");
        assertThat(token.exit()).isZero();
        String secret = token.out().strip();
        assertThat(secret).startsWith("dpt_");
        assertThat(depot(null, "device", "add", "akita", "--name", "Pixel 8a", "--manufacturer", "Google").exit()).isZero();
        assertThat(depot(null, "variant", "add", "gapps", "--description", "GApps").exit()).isZero();
        assertThat(depot(null, "device", "maintainer", "add", "akita", "maria").exit()).isZero();

        // the running server sees all of it
        assertThat(Json.parse(server.get("/api/v1/maintainers/token_check/", "Authorization", "Token " + secret).body())
                .get("username").asText()).isEqualTo("maria");
        assertThat(Json.parse(server.get("/api/v1/general/maintainer/all/").body()).get("maria").get("devices").get(0).asText())
                .isEqualTo("akita");
        assertThat(Json.parse(server.get("/api/v1/system/info").body()).get("shippy_upload_variants").has("gapps")).isTrue();
        assertThat(server.postForm("/api/v1/maintainers/login/", Map.of("username", "maria", "password", "s3cret-password"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void addingAUserWhoExistsSaysSoWhateverThePassword() {
        server = TestServer.start(backend);
        assertThat(depot("long-enough-password\n", "user", "add", "maria", "--password-stdin").exit()).isZero();
        CliRun again = depot("short\n", "user", "add", "maria", "--password-stdin");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("A user named 'maria' already exists.").doesNotContain("password");
    }

    @Test
    void serverWideOtaRules() {
        server = TestServer.start(backend);

        CliRun show = depot(null, "ota", "pattern");
        assertThat(show.out().strip()).contains("(?P<codename>");
        CliRun bad = depot(null, "ota", "pattern", "--set", "(?P<codename>[a-z]+)");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("date");
        String custom = "(?P<codename>[a-z]+)_(?P<variant>[a-z]+)_(?P<version>[0-9.]+)_(?P<date>[0-9]{8})\\.zip";
        assertThat(depot(null, "ota", "pattern", "--set", custom).exit()).isZero();
        assertThat(Json.parse(server.get("/api/v1/maintainers/upload_filename_regex_pattern",
                "Authorization", "Token " + server.userWithToken("u", false, dev.depot.auth.Scope.READ)).body())
                .get("pattern").asText()).isEqualTo(custom);
        assertThat(depot(null, "ota", "allowed-versions", "--set", "15.*,16.0").out().strip()).isEqualTo("15.*\n16.0");
        assertThat(Json.parse(server.get("/api/v1/system/info").body()).get("shippy_allowed_versions").asText())
                .isEqualTo("15.*\n16.0");
        assertThat(depot(null, "ota", "x86-type", "generic").exit()).isZero();
        assertThat(server.depot().ota().devices().x86Types()).containsExactly("generic");
    }

    @Test
    void organizationsMembersAndApps() {
        server = TestServer.start(backend);
        depot("owner-password\n", "user", "add", "olga", "--password-stdin");
        depot("viewer-password\n", "user", "add", "vic", "--password-stdin");

        assertThat(depot(null, "org", "add", "acme", "--name", "Acme", "--owner", "olga").exit()).isZero();
        assertThat(depot(null, "org", "member", "acme", "vic", "--role", "viewer").exit()).isZero();
        assertThat(depot(null, "org", "app", "acme", "notes", "--name", "Notes", "--platform", "ios").exit()).isZero();
        CliRun badPlatform = depot(null, "org", "app", "acme", "x", "--name", "X", "--platform", "windows");
        assertThat(badPlatform.exit()).isEqualTo(1);

        String vic = server.depot().auth().createToken(server.depot().auth().requireUser("vic"), "t",
                java.util.EnumSet.of(dev.depot.auth.Scope.READ), null).secret();
        var app = Json.parse(server.get("/v1/organizations/acme/apps/notes", "Authorization", "Bearer " + vic).body()).get("data");
        assertThat(app.get("platform").asText()).isEqualTo("ios");
    }

    @Test
    void repositoriesAndTheirFdroidFingerprint() {
        server = TestServer.start(backend);
        depot("owner-password\n", "user", "add", "olga", "--password-stdin");
        depot(null, "org", "add", "acme", "--name", "Acme", "--owner", "olga");

        assertThat(depot(null, "repo", "add", "acme", "store", "--title", "Acme Store").exit()).isZero();
        CliRun fp = depot(null, "repo", "fingerprint", "store");

        assertThat(fp.exit()).isZero();
        assertThat(fp.out().strip()).matches("[0-9a-f]{64}");
        assertThat(Json.parse(server.get("/v1/repositories/store/fdroid").body()).get("data").get("fingerprint").asText())
                .isEqualTo(fp.out().strip());
        assertThat(depot(null, "repo", "publish", "acme", "store", "999").exit()).isEqualTo(1);
    }

    @Test
    void mistakesPrintOneClearLineAndFail() {
        server = TestServer.start(backend);
        depot(null, "device", "add", "akita", "--name", "Pixel 8a", "--manufacturer", "Google");

        CliRun dup = depot(null, "device", "add", "akita", "--name", "Pixel 8a", "--manufacturer", "Google");
        assertThat(dup.exit()).isEqualTo(1);
        assertThat(dup.err()).contains("depot: A device with codename 'akita' already exists.");

        CliRun noUser = depot(null, "token", "create", "--user", "ghost", "--scope", "read");
        assertThat(noUser.exit()).isEqualTo(1);
        assertThat(noUser.err()).contains("ghost");

        CliRun badScope = depot(null, "token", "create", "--user", "ghost", "--scope", "everything");
        assertThat(badScope.exit()).isEqualTo(1);

        CliRun usage = depot(null, "device", "add");
        assertThat(usage.exit()).isEqualTo(2);
    }
}
