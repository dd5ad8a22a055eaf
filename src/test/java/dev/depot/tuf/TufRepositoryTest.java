package dev.depot.tuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Principal;
import dev.depot.config.Setting;
import dev.depot.core.DepotException;
import dev.depot.ota.OtaBuild;
import dev.depot.release.HaltRule;
import dev.depot.release.Release;
import dev.depot.release.ReleaseService;
import dev.depot.release.ReleaseTarget;
import dev.depot.release.Rollout;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.RomDevice;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TUF repository on both databases, over HTTP: what it signs, that a change to what is
 * published is signed before the next fetch of timestamp.json answers, that nothing is signed
 * again while nothing changes, that concurrent refreshes sign once, and how keys are kept.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class TufRepositoryTest {
    static final String SECRET = "a secret that seals the keys";

    @Parameter
    Backend backend;
    TestServer server;
    TufService tuf;
    Principal maintainer;
    RomDevice device;
    SigningKey rootKey = SigningKey.generate(TufKey.Algorithm.ED25519);

    @BeforeEach
    void start() {
        server = TestServer.start(backend, Map.of(Setting.TUF_KEY_SECRET, SECRET));
        tuf = server.depot().tuf().service();
        device = new RomDevice(server);
        maintainer = device.maintainer;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void initialize() {
        String root = tuf.init(List.of(rootKey.publicKey()), 1);
        tuf.importRoot(TufService.sign(root, rootKey));
    }

    private OtaBuild published(String name, long seed) {
        return device.published(name, seed);
    }

    private JsonNode fetch(String file) {
        HttpResponse<String> r = server.get("/tuf/metadata/" + file);
        assertThat(r.statusCode()).as(file + ": " + r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    /** The device's delegated targets as a client reaches them: timestamp → snapshot → the role's version. */
    private JsonNode deviceTargets() {
        JsonNode timestamp = fetch("timestamp.json");
        long snapshotVersion = timestamp.get("signed").get("meta").get("snapshot.json").get("version").asLong();
        JsonNode snapshot = fetch(snapshotVersion + ".snapshot.json");
        JsonNode meta = snapshot.get("signed").get("meta").get("device-sunfish.json");
        return meta == null ? null : fetch(meta.get("version").asLong() + ".device-sunfish.json").get("signed").get("targets");
    }

    @Test
    void withoutARootNothingIsServedAndTheAnswerSaysHowToMakeOne() {
        HttpResponse<String> r = server.get("/tuf/metadata/timestamp.json");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.parse(r.body()).get("error").get("message").asText()).contains("depot tuf init");
        assertThat(tuf.refresh().changed()).isFalse();
    }

    @Test
    void everyPublishedBuildIsATargetAndEveryChangeIsSignedBeforeTheNextFetch() throws Exception {
        OtaBuild first = published("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", 1);
        initialize();
        JsonNode targets = deviceTargets();
        JsonNode t = targets.get("roms/sunfish/" + first.fileName());
        assertThat(t.get("length").asLong()).isEqualTo(first.size());
        assertThat(t.get("hashes").get("sha256").asText()).isEqualTo(first.sha256());
        assertThat(t.get("custom").get("kind").asText()).isEqualTo("rom");
        assertThat(t.get("custom").get("version").asText()).isEqualTo(first.version());
        assertThat(t.get("custom").has("channel")).isFalse();
        HttpResponse<String> target = server.get("/tuf/targets/roms/sunfish/" + first.sha256() + "." + first.fileName());
        assertThat(target.statusCode()).isEqualTo(200);
        assertThat(server.get("/tuf/targets/roms/sunfish/" + "0".repeat(64) + "." + first.fileName()).statusCode()).isEqualTo(404);

        // a new build: signed before timestamp.json answers again
        OtaBuild second = published("Bliss-v15.9-sunfish-OFFICIAL-gapps-20240612.zip", 2);
        assertThat(deviceTargets().has("roms/sunfish/" + second.fileName())).isTrue();

        // released to a channel, then promoted: the channel is part of what is signed
        ReleaseService releases = server.depot().releases().service();
        ReleaseTarget sunfish = releases.managedDevice(maintainer, "sunfish");
        Release beta = releases.create(maintainer, sunfish, new ReleaseService.NewRelease("beta", second.id(), Rollout.ALL, false,
                HaltRule.DEFAULT));
        assertThat(deviceTargets().get("roms/sunfish/" + second.fileName()).get("custom").get("channel").asText()).isEqualTo("beta");
        releases.promote(maintainer, sunfish, beta.id(), "stable", Rollout.ALL);
        assertThat(deviceTargets().get("roms/sunfish/" + second.fileName()).get("custom").get("channel").asText()).isEqualTo("stable");

        // disabled, then deleted: gone from the role at once, and its target no longer served
        server.depot().ota().builds().setBuildEnabled(maintainer, first.id(), false);
        assertThat(deviceTargets().has("roms/sunfish/" + first.fileName())).isFalse();
        assertThat(server.get("/tuf/targets/roms/sunfish/" + first.sha256() + "." + first.fileName()).statusCode()).isEqualTo(404);
        server.depot().ota().builds().deleteBuild(maintainer, second.id());
        assertThat(deviceTargets().size()).isZero(); // the role stays (clients have seen it), empty
    }

    @Test
    void nothingIsSignedAgainWhileNothingChanges() throws Exception {
        published("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", 1);
        initialize();
        tuf.refresh();
        long timestamp = fetch("timestamp.json").get("signed").get("version").asLong();
        assertThat(tuf.refresh().changed()).isFalse();
        assertThat(tuf.refresh().changed()).isFalse();
        assertThat(fetch("timestamp.json").get("signed").get("version").asLong()).isEqualTo(timestamp);
        HttpResponse<String> versioned = server.get("/tuf/metadata/1.root.json");
        assertThat(versioned.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(server.get("/tuf/metadata/timestamp.json").headers().firstValue("Cache-Control")).hasValue("no-cache");
    }

    @Test
    void refreshesRacingAfterAChangeSignEachRoleOnce() throws Exception {
        published("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", 1);
        initialize();
        server.depot().tuf().refresher().awaitCurrent(Duration.ofSeconds(10));
        // read before the change: this node's own refresher may notice it and sign first
        long before = fetch("timestamp.json").get("signed").get("version").asLong();
        // a change another process made (the CLI, another node): this node's refresher never heard of it
        server.depot().database().jdbi().useHandle(h -> h.execute("UPDATE builds SET enabled = FALSE"));
        int threads = 6;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<TufService.Refresh>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            results.add(pool.submit((Callable<TufService.Refresh>) () -> {
                start.await();
                return tuf.refresh();
            }));
        }
        int signedTimestamps = 0;
        List<List<String>> signed = new ArrayList<>();
        for (Future<TufService.Refresh> f : results) {
            signed.add(f.get().signed());
            signedTimestamps += f.get().signed().contains("timestamp") ? 1 : 0;
        }
        pool.shutdown();
        // one of them signed (or this node's own refresher, racing them too): one new version in all
        assertThat(signedTimestamps).as(signed.toString()).isLessThanOrEqualTo(1);
        assertThat(fetch("timestamp.json").get("signed").get("version").asLong()).isEqualTo(before + 1);
    }

    @Test
    void aChangeThatACrashLeftUnsignedIsSignedWhenAServerStarts() {
        published("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", 1);
        initialize();
        assertThat(deviceTargets().size()).isEqualTo(1);
        // committed, then the node died before signing (killed between the two)
        server.depot().database().jdbi().useHandle(h -> h.execute("UPDATE builds SET enabled = FALSE"));
        server.restart();
        tuf = server.depot().tuf().service();
        assertThat(deviceTargets().size()).isZero(); // at the first fetch, not a check interval later
    }

    @Test
    void onlineKeysAreSealedAndOpenOnlyWithTheSecret() throws Exception {
        published("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", 1);
        initialize();
        List<String> sealed = server.depot().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT sealed_private FROM tuf_keys WHERE sealed_private IS NOT NULL").mapTo(String.class).list());
        assertThat(sealed).hasSizeGreaterThanOrEqualTo(4); // targets, snapshot, timestamp, device-sunfish
        Integer rootPrivates = server.depot().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM tuf_keys WHERE role = 'root' AND sealed_private IS NOT NULL").mapTo(Integer.class).one());
        assertThat(rootPrivates).isZero(); // the root key stays offline
        // another node without the right secret reads and serves, but cannot sign
        try (TestServer other = TestServer.secondNode(server, java.time.Clock.systemUTC(),
                Map.of(Setting.TUF_KEY_SECRET, "some other secret entirely"))) {
            assertThat(other.get("/tuf/metadata/timestamp.json").statusCode()).isEqualTo(200);
            other.depot().database().jdbi().useHandle(h -> h.execute("UPDATE builds SET enabled = FALSE"));
            Throwable e = catchThrowable(() -> other.depot().tuf().service().refresh());
            assertThat(e).hasMessageContaining("does not open with tuf.key-secret");
        }
    }

    @Test
    void aRootMustBeSignedByItsThresholdAndNameOnlyKeysThisServerHolds() {
        SigningKey second = SigningKey.generate(TufKey.Algorithm.ECDSA_P256);
        String root = tuf.init(List.of(rootKey.publicKey(), second.publicKey()), 2);
        Throwable e = catchThrowable(() -> tuf.importRoot(TufService.sign(root, rootKey)));
        assertThat(e).isInstanceOfSatisfying(DepotException.Invalid.class,
                x -> assertThat(x.reason()).isEqualTo("tuf_threshold_not_met"));
        // a root naming a timestamp key nobody here holds
        var forged = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(root);
        var signedPart = (com.fasterxml.jackson.databind.node.ObjectNode) forged.get("signed");
        ((com.fasterxml.jackson.databind.node.ObjectNode) signedPart.get("keys")).set(rootKey.keyid(), rootKey.publicKey().json());
        ((com.fasterxml.jackson.databind.node.ObjectNode) signedPart.get("roles").get("timestamp")).putArray("keyids").add(rootKey.keyid());
        String forgedText = forged.toString();
        e = catchThrowable(() -> tuf.importRoot(TufService.sign(TufService.sign(forgedText, rootKey), second)));
        assertThat(e).isInstanceOfSatisfying(DepotException.Invalid.class,
                x -> assertThat(x.reason()).isEqualTo("tuf_unknown_key"));
        TufService.Refresh ok = tuf.importRoot(TufService.sign(TufService.sign(root, rootKey), second));
        assertThat(ok.signed()).containsExactly("root", "targets", "snapshot", "timestamp");
        assertThat(catchThrowable(() -> tuf.init(List.of(rootKey.publicKey()), 1)))
                .isInstanceOfSatisfying(DepotException.Conflict.class, x -> assertThat(x.reason()).isEqualTo("tuf_initialized"));
        JsonNode served = fetch("1.root.json");
        assertThat(served.get("signatures")).hasSize(2);
        assertThat(new String(server.get("/tuf/metadata/root.json").body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo(server.get("/tuf/metadata/1.root.json").body());
    }
}
