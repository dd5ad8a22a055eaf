package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.cli.client.ClientConfig;
import dev.depot.cli.client.DepotClient;
import dev.depot.cli.client.TusUploadClient;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.CliRun;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a real server: login, upload (with a resume), builds list. */
class ClientCliTest {
    @TempDir
    Path home;
    TestServer server;
    AppFixture f;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        System.setProperty("depot.client.config", home.resolve("depot").toString());
        server = TestServer.start(Backend.SQLITE);
        f = new AppFixture(server);
    }

    @AfterEach
    void stop() {
        System.clearProperty("depot.client.config");
        if (server != null) {
            server.close();
        }
    }

    private static CliRun depot(String stdin, String... args) {
        return CliRun.depot(stdin, args);
    }

    @Test
    void anUploadToAnUnknownAppSaysWhatIsMissing() throws Exception {
        assertThat(depot("password-mark\n", "login", "--server", server.url(""), "--username", "mark", "--password-stdin").exit())
                .isZero();
        CliRun up = depot(null, "upload", AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk").toString(), "--org", "acme",
                "--app", "nope");
        assertThat(up.exit()).isEqualTo(1);
        assertThat(up.err()).contains("There is no app 'nope' in acme.");
    }

    @Test
    void loginSavesAPrivateTokenAndUploadPrintsTheFacts() throws Exception {
        CliRun login = depot("password-mark\n", "login", "--server", server.url(""), "--username", "mark", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("as mark");
        Path creds = home.resolve("depot/credentials.json");
        assertThat(Files.getPosixFilePermissions(creds)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(creds)).contains("dpt_");

        Path apk = AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk");
        CliRun up = depot(null, "upload", apk.toString(), "--org", "acme", "--app", "tiny", "--changelog", "from the CLI");

        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("status: processed").contains("packageName: a2dp.Vol")
                .contains("signature: verified").contains("version: 2.12.9.2 (137)");
        assertThat(up.err()).as("not a terminal: plain lines, in a unit that fits the file")
                .contains("Uploading a2dp.Vol_137.apk: 807.2 of 807.2 KiB (100%)").doesNotContain("\u001b").doesNotContain("\r");
        CliRun list = depot(null, "builds", "list", "--org", "acme", "--app", "tiny");
        assertThat(list.out()).contains("a2dp.Vol_137.apk").contains("processed");
    }

    @Test
    void runningTheSameUploadAgainAfterAnInterruptionResumesIt() throws Exception {
        CliRun login = depot(null, "login", "--server", server.url(""), "--token", f.maintainer);
        assertThat(login.exit()).isZero();
        Path apk = Files.copy(AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk"), home.resolve("resume.apk"));

        // the first attempt dies after its first chunk, the way a killed process would
        DepotClient client = new DepotClient(server.url(""), f.maintainer);
        AtomicInteger calls = new AtomicInteger();
        try {
            new TusUploadClient(client, ClientConfig.fromEnvironment(Map.of()), 256 * 1024).upload(apk,
                    TusUploadClient.sha256(apk), Map.of("organization", "acme", "app", "tiny"), offset -> {
                        if (calls.incrementAndGet() == 2) {
                            throw new IllegalStateException("killed");
                        }
                    });
        } catch (IllegalStateException expected) {
            // interrupted
        }
        assertThat(Files.readString(home.resolve("depot/uploads.json"))).contains("/v1/uploads/");

        CliRun again = depot(null, "upload", apk.toString(), "--org", "acme", "--app", "tiny", "--chunk-size-mib", "1");

        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).contains("Resumed an earlier upload at byte 262144");
        assertThat(again.out()).contains("status: processed");
        assertThat(Files.readString(home.resolve("depot/uploads.json"))).doesNotContain("/v1/uploads/");
    }

    @Test
    void clearErrorsWithoutLoginOrWithAWrongApp() {
        CliRun noLogin = depot(null, "builds", "list", "--org", "acme", "--app", "tiny");
        assertThat(noLogin.exit()).isEqualTo(1);
        assertThat(noLogin.err()).contains("not logged in");

        depot(null, "login", "--server", server.url(""), "--token", f.maintainer);
        CliRun wrong = depot(null, "upload", AppFixture.APKS.resolve("apps/hello-world.apk").toString(), "--org", "globex", "--app", "secret");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("404");
    }
}
