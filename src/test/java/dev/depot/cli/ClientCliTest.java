package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.cli.client.ClientConfig;
import dev.depot.cli.client.DepotClient;
import dev.depot.cli.client.TusUploadClient;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    private record Run(int exit, String out, String err) {}

    private Run depot(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            int exit = DepotCommand.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    @Test
    void loginSavesAPrivateTokenAndUploadPrintsTheFacts() throws Exception {
        Run login = depot("password-mark\n", "login", "--server", server.url(""), "--username", "mark", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("as mark");
        Path creds = home.resolve("depot/credentials.json");
        assertThat(Files.getPosixFilePermissions(creds)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(creds)).contains("dpt_");

        Path apk = AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk");
        Run up = depot(null, "upload", apk.toString(), "--org", "acme", "--app", "tiny", "--changelog", "from the CLI");

        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("status: processed").contains("packageName: a2dp.Vol")
                .contains("signature: verified").contains("version: 2.12.9.2 (137)");
        assertThat(up.err()).contains("Uploading");
        Run list = depot(null, "builds", "list", "--org", "acme", "--app", "tiny");
        assertThat(list.out()).contains("a2dp.Vol_137.apk").contains("processed");
    }

    @Test
    void runningTheSameUploadAgainAfterAnInterruptionResumesIt() throws Exception {
        Run login = depot(null, "login", "--server", server.url(""), "--token", f.maintainer);
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

        Run again = depot(null, "upload", apk.toString(), "--org", "acme", "--app", "tiny", "--chunk-size-mib", "1");

        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).contains("Resumed an earlier upload at byte 262144");
        assertThat(again.out()).contains("status: processed");
        assertThat(Files.readString(home.resolve("depot/uploads.json"))).doesNotContain("/v1/uploads/");
    }

    @Test
    void clearErrorsWithoutLoginOrWithAWrongApp() {
        Run noLogin = depot(null, "builds", "list", "--org", "acme", "--app", "tiny");
        assertThat(noLogin.exit()).isEqualTo(1);
        assertThat(noLogin.err()).contains("not logged in");

        depot(null, "login", "--server", server.url(""), "--token", f.maintainer);
        Run wrong = depot(null, "upload", AppFixture.APKS.resolve("apps/hello-world.apk").toString(), "--org", "globex", "--app", "secret");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("404");
    }
}
