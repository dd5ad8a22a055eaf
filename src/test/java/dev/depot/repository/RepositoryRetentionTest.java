package dev.depot.repository;

import static dev.depot.support.ApiAssertions.assertEnvelopeError;
import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.config.Setting;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Revisions beyond repository.keep-revisions are forgotten: their hashes become unknown. */
@ParameterizedClass
@EnumSource(Backend.class)
class RepositoryRetentionTest {
    @Parameter
    Backend backend;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void hashesOlderThanTheKeptRevisionsAreUnknown() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(backend, Files.createTempDirectory("depot-retention"), Clock.systemUTC(),
                Map.of(Setting.REPOSITORY_KEEP_REVISIONS, "2"));
        AppFixture f = new AppFixture(server);
        String[] builds = {f.uploadAndWaitQuietly("apps/a2dp.Vol_137.apk"), f.uploadAndWaitQuietly("apps/com.teleca.jamendo_35.apk"),
            f.uploadAndWaitQuietly("apps/com.politedroid_4.apk")};
        ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"short\"}", bearer(f.maintainer)));
        String[] hashes = new String[4];
        hashes[0] = ok(server.get("/v1/repositories/short")).get("hash").asText();
        for (int i = 0; i < 3; i++) {
            ok(server.postJson("/v1/organizations/acme/repositories/short/builds", "{\"buildId\":\"" + builds[i] + "\"}",
                    bearer(f.maintainer)));
            hashes[i + 1] = ok(server.get("/v1/repositories/short")).get("hash").asText();
        }

        // revisions 2 and 3 are kept: the hash of revision 2 is known, those of 0 and 1 are not
        JsonNode known = Json.parse(server.get("/webservices/listRepositoryChange?repo=short&hash=" + hashes[2]).body());
        assertThat(known.get("listing").get(0).get("added").asInt()).isEqualTo(1);
        JsonNode forgotten = Json.parse(server.get("/webservices/listRepositoryChange?repo=short&hash=" + hashes[1]).body());
        assertThat(forgotten.get("listing").get(0).get("appscount").asInt()).isEqualTo(3);
        assertEnvelopeError(server.get("/v1/repositories/short/changes?since=" + hashes[0]), 404, 3002);
    }
}
