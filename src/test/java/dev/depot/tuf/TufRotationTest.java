package dev.depot.tuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.cli.client.TufClient;
import dev.depot.config.Setting;
import dev.depot.ota.OtaBuild;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.RomDevice;
import dev.depot.support.TestServer;
import dev.depot.support.TufJs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation as clients live through it: a client that trusts root version 1 follows every root
 * since (root keys replaced, the threshold raised, timestamp, snapshot and targets keys rotated,
 * ECDSA keys mixed with Ed25519) to the current one, and goes on verifying; a delegated role's key
 * rotates without a new root.
 */
class TufRotationTest {
    static final String ROM_FILE = "Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip";
    static final String ROM = "roms/sunfish/" + ROM_FILE;

    @TempDir
    Path dir;
    TestServer server;
    TufService tuf;
    OtaBuild rom;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(Backend.SQLITE, Map.of(Setting.TUF_KEY_SECRET, "a secret that seals the keys",
                Setting.TUF_KEY_TYPE, "ecdsa"));
        tuf = server.depot().tuf().service();
        rom = new RomDevice(server).published(ROM_FILE, 3);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String sigstore(Path trustedRoot, Path state) {
        try {
            new TufClient(URI.create(server.url("/tuf/")), trustedRoot, state, Duration.ofSeconds(20), Clock.systemUTC())
                    .download(ROM, state.resolve("out").resolve(ROM_FILE));
            return "ok";
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static long rootVersion(Path rootFile) throws Exception {
        return Json.parse(Files.readString(rootFile)).get("signed").get("version").asLong();
    }

    @Test
    void clientsThatTrustTheFirstRootFollowEveryRotation() throws Exception {
        TufJs.require();
        SigningKey first = SigningKey.generate(TufKey.Algorithm.ED25519);
        String v1 = TufService.sign(tuf.init(List.of(first.publicKey()), 1), first);
        tuf.importRoot(v1);
        Path trusted = Files.writeString(dir.resolve("1.root.json"), v1);
        Path js = dir.resolve("js");
        Path java = dir.resolve("java");
        assertThat(TufJs.download(server.url("/tuf/"), trusted, js, ROM).get("ok").asBoolean()).isTrue();
        assertThat(sigstore(trusted, java)).isEqualTo("ok");
        String timestampKey = Json.parse(tuf.metadata("1.root.json").orElseThrow()).get("signed").get("roles")
                .get("timestamp").get("keyids").get(0).asText();

        // version 2: two new root keys (one ECDSA), 2 of 2 needed; new timestamp and snapshot keys
        SigningKey ed = SigningKey.generate(TufKey.Algorithm.ED25519);
        SigningKey ec = SigningKey.generate(TufKey.Algorithm.ECDSA_P256);
        String v2 = tuf.nextRoot(new TufService.NextRoot(Set.of("timestamp", "snapshot"), List.of(ed.publicKey(), ec.publicKey()), 2));
        v2 = TufService.sign(TufService.sign(TufService.sign(v2, first), ed), ec);
        assertThat(tuf.importRoot(v2).signed()).containsExactly("root", "snapshot", "timestamp");
        // version 3: the targets key rotates, signed by the new root keys alone
        String v3 = TufService.sign(TufService.sign(tuf.nextRoot(new TufService.NextRoot(Set.of("targets"), List.of(), null)), ed), ec);
        assertThat(tuf.importRoot(v3).signed()).containsExactly("root", "targets", "snapshot", "timestamp");
        // a delegated role rotates online: targets, snapshot and timestamp follow, no root
        assertThat(tuf.rotate("device-sunfish").signed()).containsExactly("device-sunfish", "targets", "snapshot", "timestamp");
        JsonNode timestamp = Json.parse(tuf.metadata("timestamp.json").orElseThrow());
        assertThat(timestamp.get("signatures").get(0).get("keyid").asText()).isNotEqualTo(timestampKey);

        // the clients that held version 1 walk 2 and 3, and verify with the new keys
        JsonNode again = TufJs.download(server.url("/tuf/"), trusted, js, ROM);
        assertThat(again.get("ok").asBoolean()).as(again.toString()).isTrue();
        assertThat(again.get("rootVersion").asLong()).isEqualTo(3);
        assertThat(sigstore(trusted, java)).isEqualTo("ok");
        assertThat(rootVersion(java.resolve("root.json"))).isEqualTo(3);
        // and so does a client starting from version 1 now
        JsonNode fresh = TufJs.download(server.url("/tuf/"), trusted, dir.resolve("js-fresh"), ROM);
        assertThat(fresh.get("rootVersion").asLong()).as(fresh.toString()).isEqualTo(3);
        assertThat(sigstore(trusted, dir.resolve("java-fresh"))).isEqualTo("ok");

        // the old root key alone can no longer sign a root
        String forged = TufService.sign(tuf.nextRoot(new TufService.NextRoot(Set.of(), List.of(first.publicKey()), 1)), first);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> tuf.importRoot(forged)))
                .hasMessageContaining("signed by 0 of the current root's keys; it needs 2");
    }
}
