package dev.depot.tuf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.config.Setting;
import dev.depot.ota.OtaBuild;
import dev.depot.support.Backend;
import dev.depot.support.CliRun;
import dev.depot.support.Json;
import dev.depot.support.RomDevice;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline root ceremony with {@code depot tuf} against a running server: keys made apart, an
 * unsigned root signed by each key file on its own, imported once the threshold is met, then
 * rotated; {@code depot verify} downloads through it and names the client's error when refused.
 */
class TufCliTest {
    static final String SECRET = "a secret that seals the keys";
    static final String ROM_FILE = "Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip";

    @TempDir
    Path dir;
    TestServer server;
    Path config;
    OtaBuild rom;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(Backend.SQLITE, Map.of(Setting.TUF_KEY_SECRET, SECRET));
        config = Files.writeString(dir.resolve("depot.properties"), "tuf.key-secret=" + SECRET + "\n");
        rom = new RomDevice(server).published(ROM_FILE, 5);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CliRun admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config=" + config);
        all.add("--data=" + server.dataDir());
        all.add("--database-url=" + server.settings().databaseUrl());
        return CliRun.depot(null, all.toArray(String[]::new));
    }

    private static CliRun offline(String... args) {
        return CliRun.depot(null, args);
    }

    private static void ok(CliRun r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }

    @Test
    void theRootIsMadeSignedAndRotatedWithKeysThatNeverReachTheServer() throws Exception {
        for (String k : List.of("a", "b", "c")) {
            ok(offline("tuf", "keygen", "--out", dir.resolve(k + ".key").toString(), "--type", k.equals("c") ? "ecdsa" : "ed25519"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("a.key.pub"))).doesNotContain("private");

        Path root = dir.resolve("root-1.json");
        ok(admin("tuf", "init", "--root-key", dir.resolve("a.key.pub").toString(), "--root-key", dir.resolve("b.key.pub").toString(),
                "--root-key", dir.resolve("c.key.pub").toString(), "--threshold", "2", "--out", root.toString()));
        ok(offline("tuf", "sign", root.toString(), "--key", dir.resolve("a.key").toString()));
        CliRun early = admin("tuf", "import", root.toString());
        assertThat(early.exit()).isEqualTo(1);
        assertThat(early.err()).contains("signed by 1 of its own keys; it needs 2");
        ok(offline("tuf", "sign", root.toString(), "--key", dir.resolve("c.key").toString()));
        CliRun imported = admin("tuf", "import", root.toString());
        ok(imported);
        assertThat(imported.out()).contains("imported; signed root, device-sunfish, targets, snapshot, timestamp");

        CliRun status = admin("tuf", "status");
        ok(status);
        assertThat(status.out()).contains("root").contains("2 of").contains("device-sunfish").doesNotContain("warning");

        Path out = dir.resolve("verified.zip");
        CliRun verified = offline("verify", server.url("/tuf/"), "roms/sunfish/" + ROM_FILE, "--root", root.toString(),
                "-o", out.toString(), "--metadata-dir", dir.resolve("client").toString());
        ok(verified);
        assertThat(verified.out()).contains("verified roms/sunfish/" + ROM_FILE).contains(rom.sha256());
        assertThat(TufService.sha256(Files.readAllBytes(out))).isEqualTo(rom.sha256());
        CliRun missing = offline("verify", server.url("/tuf/"), "roms/sunfish/none.zip", "--root", root.toString(),
                "-o", dir.resolve("none.zip").toString(), "--metadata-dir", dir.resolve("client").toString());
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err()).contains("not verified: TargetMetadataMissingException");

        // rotation: the timestamp key, and b leaves the root keys
        Path next = dir.resolve("root-2.json");
        ok(admin("tuf", "root-next", "--rotate", "timestamp", "--root-key", dir.resolve("a.key.pub").toString(),
                "--root-key", dir.resolve("c.key.pub").toString(), "--out", next.toString()));
        assertThat(Json.parse(Files.readString(next)).get("signed").get("version").asLong()).isEqualTo(2);
        ok(offline("tuf", "sign", next.toString(), "--key", dir.resolve("a.key").toString(), "--key", dir.resolve("c.key").toString()));
        ok(admin("tuf", "import", next.toString()));
        ok(admin("tuf", "rotate", "device-sunfish"));
        ok(offline("verify", server.url("/tuf/"), "roms/sunfish/" + ROM_FILE, "--root", root.toString(),
                "-o", out.toString(), "--metadata-dir", dir.resolve("client").toString()));
        assertThat(Json.parse(Files.readString(dir.resolve("client").resolve("root.json"))).get("signed").get("version").asLong())
                .isEqualTo(2);
    }

    @Test
    void aRepositoryToTryOutIsMadeInOneCommandWithItsRootKeysInAFolder() throws Exception {
        Path keys = dir.resolve("keys");
        CliRun made = admin("tuf", "init", "--generate-root-keys", keys.toString(), "--keys", "2", "--threshold", "2");
        ok(made);
        assertThat(made.out()).contains("TUF repository made; signed root, device-sunfish, targets, snapshot, timestamp");
        assertThat(keys.resolve("root-1.key")).exists();
        assertThat(keys.resolve("root-2.key.pub")).exists();
        assertThat(Json.parse(Files.readString(keys.resolve("root-1.json"))).get("signatures")).hasSize(2);
        ok(offline("verify", server.url("/tuf/"), "roms/sunfish/" + ROM_FILE, "--root", keys.resolve("root-1.json").toString(),
                "-o", dir.resolve("got.zip").toString(), "--metadata-dir", dir.resolve("client").toString()));
        CliRun again = admin("tuf", "init", "--generate-root-keys", dir.resolve("more").toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already has a root");
    }
}
