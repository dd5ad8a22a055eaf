package dev.depot.repository;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A repository's indexes are made ahead of their requests: after a change this node made and
 * after a start, F-Droid's files are there before anyone asks; they are kept on disk (gzipped
 * too), not in the heap; the files the indexes name are found by name without reading the whole
 * repository.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class PrebuiltIndexTest {
    @Parameter
    Backend backend;
    TestServer server;
    AppFixture f;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(backend);
        f = new AppFixture(server);
        String a2dp = f.uploadAndWaitQuietly("apps/a2dp.Vol_137.apk");
        ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"store\",\"title\":\"Store\"}", bearer(f.maintainer)));
        ok(server.postJson("/v1/organizations/acme/repositories/store/builds", "{\"buildId\":\"" + a2dp + "\"}", bearer(f.maintainer)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Repository store() {
        return server.depot().repositories().require("store");
    }

    private void madeWithoutARequest() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!server.depot().fdroid().made(store())) {
            assertThat(System.nanoTime()).as("F-Droid's files of the new state made ahead").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aChangeHereMakesTheNewStatesFilesBeforeAnyoneAsks() throws Exception {
        madeWithoutARequest();
        String jamendo = f.uploadAndWaitQuietly("apps/com.teleca.jamendo_35.apk");
        Repository before = store();
        ok(server.postJson("/v1/organizations/acme/repositories/store/builds", "{\"buildId\":\"" + jamendo + "\"}", bearer(f.maintainer)));
        assertThat(store().stateHash()).isNotEqualTo(before.stateHash());
        madeWithoutARequest();
        var v2 = Json.parse(server.get("/fdroid/store/repo/index-v2.json").body());
        assertThat(v2.get("packages").has("com.teleca.jamendo")).isTrue();
    }

    @Test
    void aChangeAnotherNodeMadeIsMadeHereBeforeAnyoneAsks() throws Exception {
        madeWithoutARequest();
        String jamendo = f.uploadAndWaitQuietly("apps/com.teleca.jamendo_35.apk");
        Repository before = store();
        try (TestServer other = TestServer.secondNode(server, Clock.systemUTC(), Map.of())) {
            ok(other.postJson("/v1/organizations/acme/repositories/store/builds", "{\"buildId\":\"" + jamendo + "\"}",
                    bearer(f.maintainer)));
        }
        assertThat(store().stateHash()).isNotEqualTo(before.stateHash());
        madeWithoutARequest(); // this node heard nothing of the change: it looked

    }

    @Test
    void aStartMakesEveryRepositorysFilesBeforeAnyoneAsks() throws Exception {
        server.restart();
        madeWithoutARequest();
        try (Stream<Path> kept = Files.walk(server.dataDir().resolve("documents"))) {
            assertThat(kept.filter(Files::isRegularFile).count()).as("the files are kept on disk").isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    void aLargeIndexIsSentGzippedToAClientThatAsksAndWholeToOneThatDoesNot() throws Exception {
        for (String apk : new String[] {"apps/com.teleca.jamendo_35.apk", "apps/com.politedroid_4.apk",
            "apps/duplicate.permisssions_9999999.apk", "apps/hello-world.apk"}) {
            String id = f.uploadAndWaitQuietly(apk);
            ok(server.postJson("/v1/organizations/acme/repositories/store/builds", "{\"buildId\":\"" + id + "\"}", bearer(f.maintainer)));
        }
        for (String path : new String[] {"/v1/repositories/store", "/fdroid/store/repo/index-v1.json"}) {
            HttpResponse<byte[]> plain = server.send(HttpRequest.newBuilder(URI.create(server.url(path))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> zipped = server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.body().length).as("large enough to be kept gzipped").isGreaterThan(1500);
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(zipped.headers().firstValue("Content-Encoding")).as(path).hasValue("gzip");
            assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
            assertThat(gunzip(zipped.body())).isEqualTo(plain.body());
            assertThat(plain.headers().firstValueAsLong("Content-Length")).hasValue(plain.body().length);
        }
        HttpResponse<Void> head = server.send(HttpRequest.newBuilder(URI.create(server.url("/fdroid/store/repo/index-v1.json")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length").orElseThrow()).isGreaterThan(1000);
    }

    @Test
    void theFilesAnIndexNamesAreFoundByNameAndOthersAreNot() {
        assertThat(server.get("/fdroid/store/repo/a2dp.Vol_137.apk").statusCode()).isEqualTo(200);
        assertThat(server.get("/fdroid/store/repo/icons/a2dp.Vol.137.png").statusCode()).isEqualTo(200);
        for (String name : new String[] {"a2dp.Vol_138.apk", "a2dp.Vol_x.apk", "a2dp.Vol.apk", "other_137.apk", "icons/a2dp.Vol.138.png",
            "icons/a2dp.png", "icons/a2dp.Vol.137.jpg"}) {
            assertThat(server.get("/fdroid/store/repo/" + name).statusCode()).as(name).isEqualTo(404);
        }
    }

    @Test
    void everyDiffTurnsItsEarlierIndexIntoTheCurrentOne() throws Exception {
        java.util.Map<Long, com.fasterxml.jackson.databind.JsonNode> indexes = new java.util.HashMap<>();
        java.util.function.Consumer<String> keep = label -> {
            var v2 = Json.parse(server.get("/fdroid/store/repo/index-v2.json").body());
            indexes.put(v2.get("repo").get("timestamp").asLong(), v2);
        };
        keep.accept("first");
        String a2dp = server.depot().repositories().entries(store()).getFirst().buildId() + "";
        String base = "/v1/organizations/acme/repositories/store/builds";
        for (String apk : new String[] {"apps/com.teleca.jamendo_35.apk", "apps/com.politedroid_4.apk"}) {
            Thread.sleep(5);
            ok(server.postJson(base, "{\"buildId\":\"" + f.uploadAndWaitQuietly(apk) + "\"}", bearer(f.maintainer)));
            keep.accept(apk);
        }
        Thread.sleep(5);
        ok(server.send("DELETE", base + "/" + a2dp, null, bearer(f.maintainer))); // an app removed
        keep.accept("removed");
        Thread.sleep(5);
        ok(server.postJson(base, "{\"buildId\":\"" + a2dp + "\"}", bearer(f.maintainer))); // and back, published anew
        var current = Json.parse(server.get("/fdroid/store/repo/index-v2.json").body());
        var diffs = Json.parse(server.get("/fdroid/store/repo/entry.json").body()).get("diffs");
        assertThat(diffs.size()).as("a diff from (nearly) every earlier state").isBetween(3, indexes.size());
        for (var it = diffs.fields(); it.hasNext(); ) {
            var d = it.next();
            var diff = Json.parse(server.get("/fdroid/store/repo" + d.getValue().get("name").asText()).body());
            assertThat(JsonMergePatch.apply(indexes.get(Long.parseLong(d.getKey())), diff)).as("from " + d.getKey()).isEqualTo(current);
            assertThat(d.getValue().get("numPackages").asInt()).isEqualTo(diff.path("packages").size());
        }
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
