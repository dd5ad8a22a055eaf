package dev.depot.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.CliRun;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.ShippyClient;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code depot backup} while a populated server serves, and {@code depot restore} into a new directory. */
class BackupTest {
    private static CliRun depot(String... args) {
        return CliRun.depot(null, args);
    }

    @Test
    void aBackupTakenWhileServingRestoresBuildsAppsAndUnfinishedUploads() throws Exception {
        Path live = Files.createTempDirectory("depot-live");
        Path backup = Files.createTempDirectory("depot-backups").resolve("monday");
        Path restored = Files.createTempDirectory("depot-restored").resolve("data");
        byte[] rom = OtaFixture.randomBytes(2_300_000, 5);
        byte[] unfinished = OtaFixture.randomBytes(2_500_000, 6);
        String maintainer;
        String viewer;
        String partialId;
        String appBuild;
        try (TestServer server = TestServer.start(Backend.SQLITE, live)) {
            OtaFixture ota = new OtaFixture(server);
            maintainer = ota.maintainerToken;
            ota.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", rom);
            AppFixture apps = new AppFixture(server);
            viewer = apps.viewer;
            appBuild = apps.uploadAndWait(apps.maintainer, "apps/a2dp.Vol_137.apk", "tiny").get("id").asText();
            HttpResponse<String> first = ota.shippy.putChunk(null, "Bliss-v1.1-sunfish-OFFICIAL-gapps-20240201.zip",
                    Arrays.copyOf(unfinished, ShippyClient.CHUNK_SIZE), 0, unfinished.length);
            partialId = Json.parse(first.body()).get("id").asText();

            CliRun run = depot("backup", backup.toString(), "--data=" + live);
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).startsWith("backed up ").contains(backup.toString());
            assertThat(backup.resolve(Backup.MANIFEST)).isRegularFile();

            // what happens after the backup is not in it
            ota.upload("Bliss-v1.2-sunfish-OFFICIAL-gapps-20240301.zip", OtaFixture.randomBytes(1_200_000, 7));

            CliRun again = depot("backup", backup.toString(), "--data=" + live);
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("is not empty");
            CliRun overLive = depot("restore", backup.toString(), "--data=" + live);
            assertThat(overLive.exit()).isEqualTo(1);
            assertThat(overLive.err()).contains("already holds a database");
        }

        CliRun run = depot("restore", backup.toString(), "--data=" + restored);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("restored ");

        try (TestServer server = TestServer.start(Backend.SQLITE, restored)) {
            var builds = Json.parse(server.get("/api/v1/updater/los/sunfish/gapps/").body()).get("response");
            assertThat(builds).hasSize(1);
            String url = builds.get(0).get("url").asText();
            HttpResponse<byte[]> bytes = server.send(HttpRequest.newBuilder(URI.create(server.url(URI.create(url).getPath()))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bytes.body()).isEqualTo(rom);

            var build = AppFixture.ok(server.get("/v1/organizations/acme/apps/tiny/builds/" + appBuild, AppFixture.bearer(viewer)));
            assertThat(build.get("status").asText()).isEqualTo("processed");

            ShippyClient shippy = new ShippyClient(server, maintainer);
            HttpResponse<String> rest = shippy.putChunk(partialId, "Bliss-v1.1-sunfish-OFFICIAL-gapps-20240201.zip",
                    Arrays.copyOfRange(unfinished, ShippyClient.CHUNK_SIZE, unfinished.length), ShippyClient.CHUNK_SIZE,
                    unfinished.length);
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
            HttpResponse<String> done = shippy.finalizeUpload(partialId, OtaFixture.sha256(unfinished));
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        }
    }

    @Test
    void postgresqlIsBackedUpWithItsOwnTools() throws Exception {
        Path dir = Files.createTempDirectory("depot-pg");
        CliRun run = depot("backup", dir.resolve("b").toString(), "--data=" + dir,
                "--database-url=" + Backend.POSTGRESQL.newDatabaseUrl(dir));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("pg_dump");
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void aDirectoryThatIsNotABackupIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("depot-nobackup");
        CliRun run = depot("restore", dir.toString(), "--data=" + dir.resolve("data"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("is not a complete Depot backup");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
