package dev.depot.tuf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.config.Setting;
import dev.depot.ota.OtaBuild;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.RomDevice;
import dev.depot.support.TestServer;
import dev.depot.support.TufJs;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on one PostgreSQL serve the same bytes, and a change signed on one is served by the other at once. */
class TufNodesTest {
    static final Map<Setting, String> TUF = Map.of(Setting.TUF_KEY_SECRET, "a secret that seals the keys");

    @TempDir
    Path dir;
    TestServer a;
    TestServer b;
    RomDevice device;
    String token;

    @BeforeEach
    void start() {
        a = TestServer.start(Backend.POSTGRESQL, TUF);
        b = TestServer.secondNode(a, Clock.systemUTC(), TUF);
        device = new RomDevice(a);
        token = device.token;
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
    }

    private static String body(TestServer node, String file) {
        HttpResponse<String> r = node.get("/tuf/metadata/" + file);
        assertThat(r.statusCode()).as(file).isEqualTo(200);
        return r.body();
    }

    /** Every metadata file a client walks, from this node. */
    private static List<String> walk(TestServer node) {
        List<String> files = new ArrayList<>(List.of("root.json", "timestamp.json"));
        var timestamp = Json.parse(body(node, "timestamp.json"));
        files.add(timestamp.get("signed").get("meta").get("snapshot.json").get("version").asLong() + ".snapshot.json");
        var snapshot = Json.parse(body(node, files.getLast()));
        snapshot.get("signed").get("meta").properties().forEach(e -> files.add(e.getValue().get("version").asLong() + "." + e.getKey()));
        List<String> bodies = new ArrayList<>();
        for (String f : files) {
            bodies.add(f + "\n" + body(node, f));
        }
        return bodies;
    }

    private OtaBuild published(String name, long seed) {
        return device.published(name, seed);
    }

    @Test
    void bothNodesServeTheSameBytesAndEachOthersChangesAtOnce() throws Exception {
        OtaBuild first = published("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", 1);
        SigningKey root = SigningKey.generate(TufKey.Algorithm.ED25519);
        String v1 = TufService.sign(a.depot().tuf().service().init(List.of(root.publicKey()), 1), root);
        a.depot().tuf().service().importRoot(v1);
        List<String> fromA = walk(a);
        assertThat(walk(b)).isEqualTo(fromA);
        assertThat(String.join("", fromA)).contains("device-sunfish.json").contains(first.sha256());

        // disabled through node b's API: once b answers, node a serves the new timestamp, same bytes as b's
        long before = Json.parse(body(a, "timestamp.json")).get("signed").get("version").asLong();
        HttpResponse<String> disabled = b.send("PATCH", "/v1/builds/" + first.id(), "{\"enabled\":false}",
                TestServer.auth(token));
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(Json.parse(body(a, "timestamp.json")).get("signed").get("version").asLong()).isEqualTo(before + 1);
        assertThat(walk(a)).isEqualTo(walk(b)).doesNotContain(first.sha256());

        // and a real client verifies a build through node b, with node a's root
        b.depot().ota().builds().setBuildEnabled(device.maintainer, first.id(), true);
        b.depot().tuf().refresher().awaitCurrent(Duration.ofSeconds(10));
        TufJs.require();
        Path trusted = Files.writeString(dir.resolve("root.json"), v1);
        var r = TufJs.download(b.url("/tuf/"), trusted, dir.resolve("client"), "roms/sunfish/" + first.fileName());
        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
    }
}
