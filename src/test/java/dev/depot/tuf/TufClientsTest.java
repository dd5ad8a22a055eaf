package dev.depot.tuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Principal;
import dev.depot.cli.client.TufClient;
import dev.depot.config.Setting;
import dev.depot.ota.OtaBuild;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.MutableClock;
import dev.depot.support.RomBuilds;
import dev.depot.support.TestServer;
import dev.depot.support.TufJs;
import dev.depot.support.TufProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Depot's TUF repository as two real clients check it: tuf-js (npm's) run by Node, and
 * {@code depot verify}'s client on sigstore-java's updater. Without interference both download a
 * ROM build and an APK; through a man in the middle each attack the specification names is
 * refused by both, each with its own error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TufClientsTest {
    static final String ROM_FILE = "Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip";
    static final String ROM = "roms/sunfish/" + ROM_FILE;

    Path dir;
    MutableClock clock = new MutableClock(Instant.now());
    TestServer server;
    TufService tuf;
    List<SigningKey> rootKeys = new ArrayList<>();
    Path trustedRoot;
    String apk;
    OtaBuild rom;
    TufProxy proxy;
    final AtomicInteger clients = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("tuf-clients");
        server = TestServer.start(Backend.SQLITE, dir.resolve("data"), clock, Map.of(Setting.TUF_KEY_SECRET, "a secret that seals the keys"));
        AppFixture apps = new AppFixture(server);
        var devices = server.depot().ota().devices();
        devices.addDevice("sunfish", "Pixel 4a", "Google");
        devices.addVariant("gapps", "With Google apps", null);
        devices.addMaintainer("sunfish", "mark");
        rom = RomBuilds.upload(server.depot(), server.depot().auth().authenticate(apps.maintainer), ROM_FILE, 7);
        long build = Long.parseLong(apps.uploadAndWaitQuietly("apps/a2dp.Vol_137.apk"));
        server.depot().repositories().create(Principal.operator(), "acme", "main", "Main", "");
        var repo = server.depot().repositories().publish(Principal.operator(), "acme", "main", build);
        var entry = server.depot().repositories().entries(repo).getFirst();
        apk = "apps/acme/main/" + entry.packageName() + "_" + entry.versionCode() + ".apk";

        tuf = server.depot().tuf().service();
        for (int i = 0; i < 3; i++) {
            rootKeys.add(SigningKey.generate(TufKey.Algorithm.ED25519));
        }
        String root = tuf.init(rootKeys.stream().map(SigningKey::publicKey).toList(), 2);
        root = TufService.sign(TufService.sign(root, rootKeys.get(0)), rootKeys.get(1));
        tuf.importRoot(root);
        trustedRoot = Files.writeString(dir.resolve("root.json"), root);
        awaitTargets();
        proxy = new TufProxy(server.url(""));
    }

    /** Waits until the ROM build (published once inspected) is signed. */
    private void awaitTargets() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (tuf.status().stream().noneMatch(s -> s.role().equals("device-sunfish"))
                || tuf.status().stream().noneMatch(s -> s.role().equals("org-acme"))) {
            assertThat(System.nanoTime()).as("targets signed").isLessThan(deadline);
            Thread.sleep(50);
            tuf.refresh();
        }
    }

    @AfterEach
    void resetProxy() {
        proxy.reset();
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        server.close();
        dev.depot.support.TestFiles.deleteTree(dir);
    }

    private String direct() {
        return server.url("/tuf/");
    }

    private String attacked() {
        return proxy.url("/tuf/");
    }

    /** A client's state, new or (with {@code from}) a copy of another's. */
    private Path newState() {
        return dir.resolve("client-" + clients.incrementAndGet());
    }

    private JsonNode tufJs(String repository, Path state, String target) {
        return TufJs.download(repository, trustedRoot, state, target);
    }

    /** The sigstore-java client's outcome: "ok", or the simple name of the exception it raised. */
    private String sigstore(String repository, Path state, String target) {
        try {
            Path out = state.resolve("out").resolve(target.substring(target.lastIndexOf('/') + 1));
            TufClient.Verified v = new TufClient(URI.create(repository), trustedRoot, state.resolve("meta"), Duration.ofSeconds(20),
                    clock).download(target, out);
            assertThat(Files.size(v.file())).isEqualTo(v.length());
            return "ok";
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private byte[] metadata(String file) {
        return proxy.fetch("/tuf/metadata/" + file);
    }

    private long version(String file) {
        return Json.parse(new String(metadata(file), StandardCharsets.UTF_8)).get("signed").get("version").asLong();
    }

    private static void refusedBy(JsonNode tufJs, String error) {
        refusedBy(tufJs, error, "");
    }

    private static void refusedBy(JsonNode tufJs, String error, String message) {
        assertThat(tufJs.get("ok").asBoolean()).as(tufJs.toString()).isFalse();
        assertThat(tufJs.get("error").asText()).as(tufJs.toString()).isEqualTo(error);
        assertThat(tufJs.get("message").asText()).as(tufJs.toString()).contains(message);
    }

    @Test
    void bothClientsDownloadAndVerifyARomBuildAndAnApk() throws Exception {
        TufJs.require();
        Path js = newState();
        JsonNode romJs = tufJs(direct(), js, ROM);
        assertThat(romJs.get("ok").asBoolean()).as(romJs.toString()).isTrue();
        assertThat(romJs.get("length").asLong()).isEqualTo(rom.size());
        assertThat(romJs.get("custom").get("kind").asText()).isEqualTo("rom");
        assertThat(TufService.sha256(Files.readAllBytes(Path.of(romJs.get("file").asText())))).isEqualTo(rom.sha256());
        JsonNode apkJs = tufJs(direct(), js, apk);
        assertThat(apkJs.get("ok").asBoolean()).as(apkJs.toString()).isTrue();
        assertThat(apkJs.get("custom").get("kind").asText()).isEqualTo("apk");

        Path java = newState();
        assertThat(sigstore(direct(), java, ROM)).isEqualTo("ok");
        assertThat(sigstore(direct(), java, apk)).isEqualTo("ok");
        assertThat(Files.readAllBytes(java.resolve("out").resolve(ROM_FILE)))
                .isEqualTo(Files.readAllBytes(Path.of(romJs.get("file").asText())));
        // through the proxy, unchanged, both succeed too
        assertThat(tufJs(attacked(), newState(), ROM).get("ok").asBoolean()).isTrue();
        assertThat(sigstore(attacked(), newState(), apk)).isEqualTo("ok");
    }

    @Test
    void aReplayedOlderTimestampIsARollback() {
        TufJs.require();
        byte[] old = metadata("timestamp.json");
        tuf.rotate("org-acme"); // new targets, snapshot and timestamp versions
        assertThat(version("timestamp.json")).isGreaterThan(Json.parse(new String(old, StandardCharsets.UTF_8))
                .get("signed").get("version").asLong());
        Path js = newState();
        Path java = newState();
        assertThat(tufJs(direct(), js, ROM).get("ok").asBoolean()).isTrue();
        assertThat(sigstore(direct(), java, ROM)).isEqualTo("ok");

        proxy.replace("/tuf/metadata/timestamp.json", old);
        refusedBy(tufJs(attacked(), js, ROM), "BadVersionError");
        assertThat(sigstore(attacked(), java, ROM)).startsWith("RollbackVersionException:");
    }

    @Test
    void anExpiredTimestampIsAFreezeAttack() {
        TufJs.require();
        Instant now = clock.instant();
        clock.advance(Duration.ofDays(-2));
        tuf.rotate("device-sunfish"); // signed two days ago: this timestamp expired yesterday
        byte[] expired = metadata("timestamp.json");
        clock.advance(Duration.ofDays(2));
        assertThat(clock.instant()).isEqualTo(now);
        assertThat(tuf.nearExpiry()).extracting(TufService.RoleStatus::role).contains("timestamp");
        assertThat(tuf.refresh().signed()).contains("timestamp"); // what the periodic check does
        assertThat(tuf.nearExpiry()).isEmpty();

        proxy.replace("/tuf/metadata/timestamp.json", expired);
        refusedBy(tufJs(attacked(), newState(), ROM), "ExpiredMetadataError");
        assertThat(sigstore(attacked(), newState(), ROM)).startsWith("RoleExpiredException:");
        assertThat(tufJs(direct(), newState(), ROM).get("ok").asBoolean()).isTrue();
    }

    @Test
    void targetsOfAnotherVersionThanTheSnapshotNamesAreMixAndMatch() {
        TufJs.require();
        tuf.rotate("org-acme");
        long current = version("targets.json");
        byte[] older = metadata((current - 1) + ".targets.json");
        proxy.replace("/tuf/metadata/" + current + ".targets.json", older);
        refusedBy(tufJs(attacked(), newState(), ROM), "RuntimeError", "Expected hash");
        assertThat(sigstore(attacked(), newState(), ROM)).startsWith("InvalidHashesException:");

        // a delegated role of another version: the snapshot's hash of it refuses it as well
        proxy.reset();
        long role = version("org-acme.json");
        proxy.replace("/tuf/metadata/" + role + ".org-acme.json", metadata((role - 1) + ".org-acme.json"));
        refusedBy(tufJs(attacked(), newState(), apk), "RuntimeError", "Expected hash");
        assertThat(sigstore(attacked(), newState(), apk)).startsWith("HashMismatch:");
    }

    @Test
    void swappedTargetBytesAreAnArbitraryPackage() {
        TufJs.require();
        String path = "/tuf/targets/roms/sunfish/" + rom.sha256() + "." + ROM_FILE;
        byte[] real = proxy.fetch(path);
        byte[] evil = Arrays.copyOf(real, real.length);
        evil[100] ^= 0x5a;
        proxy.replace(path, evil);
        refusedBy(tufJs(attacked(), newState(), ROM), "LengthOrHashMismatchError");
        assertThat(sigstore(attacked(), newState(), ROM)).startsWith("HashMismatch:");
    }

    @Test
    void endlessOrOverlongMetadataIsCutOff() {
        TufJs.require();
        proxy.endless("/tuf/metadata/timestamp.json");
        refusedBy(tufJs(attacked(), newState(), ROM), "DownloadLengthMismatchError");
        assertThat(sigstore(attacked(), newState(), ROM)).startsWith("FileExceedsMaxLengthException:");

        proxy.reset();
        proxy.pad("/tuf/metadata/" + version("snapshot.json") + ".snapshot.json", 4096);
        refusedBy(tufJs(attacked(), newState(), ROM), "RuntimeError", "Max length reached");
        assertThat(sigstore(attacked(), newState(), ROM)).startsWith("FileExceedsMaxLengthException:");
    }

    @Test
    void aRootSignedByFewerKeysThanTheThresholdIsRefused() {
        TufJs.require();
        String next = tuf.nextRoot(new TufService.NextRoot(java.util.Set.of(), List.of(), null));
        String underSigned = TufService.sign(next, rootKeys.get(0)); // 1 of the 2 needed
        proxy.replace("/tuf/metadata/2.root.json", underSigned.getBytes(StandardCharsets.UTF_8));
        refusedBy(tufJs(attacked(), newState(), ROM), "UnsignedMetadataError");
        assertThat(sigstore(attacked(), newState(), ROM)).startsWith("SignatureVerificationException:");
        // and Depot itself refuses to import it
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> tuf.importRoot(underSigned)))
                .hasMessageContaining("signed by 1 of the current root's keys; it needs 2");
    }
}
