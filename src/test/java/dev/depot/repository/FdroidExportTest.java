package dev.depot.repository;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The F-Droid export, checked against the rules F-Droid's client enforces, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FdroidExportTest {
    @Parameter
    Backend backend;
    TestServer server;
    AppFixture f;
    String a2dp;
    String jamendo;
    @TempDir
    Path tmp;

    @BeforeParameterizedClassInvocation
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(backend);
        f = new AppFixture(server);
        a2dp = f.uploadAndWaitQuietly("apps/a2dp.Vol_137.apk");
        jamendo = f.uploadAndWaitQuietly("apps/com.teleca.jamendo_35.apk");
        ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"fdroid-store\",\"title\":\"Acme Store\"}",
                bearer(f.maintainer)));
        ok(server.postJson("/v1/organizations/acme/repositories/fdroid-store/builds", "{\"buildId\":\"" + a2dp + "\"}",
                bearer(f.maintainer)));
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private byte[] get(String path) {
        HttpResponse<byte[]> r = server.send(HttpRequest.newBuilder(URI.create(server.url(path))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Opens a jar the way F-Droid's client does, checking the signature, and returns its signer's certificate. */
    private X509Certificate verifiedSigner(byte[] jar, String entryName, byte[] expectedContent) throws Exception {
        Path file = Files.write(tmp.resolve("j" + System.nanoTime() + ".jar"), jar);
        try (JarFile jf = new JarFile(file.toFile(), true)) {
            JarEntry e = jf.getJarEntry(entryName);
            assertThat(e).as(entryName + " in the jar").isNotNull();
            byte[] content;
            try (InputStream in = jf.getInputStream(e)) {
                content = in.readAllBytes(); // reading to the end is what verifies the digest
            }
            assertThat(content).isEqualTo(expectedContent);
            var signers = e.getCodeSigners();
            assertThat(signers).as("exactly one signer").hasSize(1);
            List<? extends java.security.cert.Certificate> chain = signers[0].getSignerCertPath().getCertificates();
            assertThat(chain).as("exactly one certificate").hasSize(1);
            String manifest = new String(jf.getInputStream(jf.getEntry("META-INF/MANIFEST.MF")).readAllBytes(), StandardCharsets.UTF_8);
            List<String> signatureFiles = new ArrayList<>();
            jf.stream().map(JarEntry::getName).filter(n -> n.startsWith("META-INF/")).forEach(signatureFiles::add);
            for (String n : signatureFiles) {
                String text = new String(jf.getInputStream(jf.getEntry(n)).readAllBytes(), StandardCharsets.ISO_8859_1);
                if (n.endsWith(".SF") || n.endsWith(".MF")) {
                    assertThat(text).as(n).doesNotContain("MD5-Digest").doesNotContain("SHA1-Digest").doesNotContain("SHA-Digest");
                }
            }
            assertThat(manifest).contains("SHA-256-Digest");
            assertThat(signatureFiles.stream().filter(n -> n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC")))
                    .hasSize(1);
            return (X509Certificate) chain.getFirst();
        }
    }

    @Test
    void indexV1JarIsSignedByTheRepositoryKeyAsFdroidRequires() throws Exception {
        JsonNode info = ok(server.get("/v1/repositories/fdroid-store/fdroid"));
        String fingerprint = info.get("fingerprint").asText();
        assertThat(info.get("address").asText()).isEqualTo(server.url("/repositories/fdroid-store/fdroid/repo"));
        assertThat(info.get("mirrorUrl").asText()).isEqualTo(server.url("/repositories/fdroid-store/fdroid?fingerprint=" + fingerprint));

        byte[] json = get("/fdroid/fdroid-store/repo/index-v1.json");
        X509Certificate cert = verifiedSigner(get("/fdroid/fdroid-store/repo/index-v1.jar"), "index-v1.json", json);

        assertThat(sha256(cert.getEncoded())).isEqualTo(fingerprint);
        assertThat(HexFormat.of().formatHex(cert.getEncoded()).length()).as("certificate hex").isGreaterThanOrEqualTo(512);
        JsonNode index = Json.parse(new String(json, StandardCharsets.UTF_8));
        assertThat(index.get("repo").get("address").asText()).isEqualTo(info.get("address").asText());
        JsonNode apk = index.get("packages").get("a2dp.Vol").get(0);
        assertThat(apk.get("apkName").asText()).isEqualTo("a2dp.Vol_137.apk");
        assertThat(apk.get("hashType").asText()).isEqualTo("sha256");
        assertThat(apk.get("sig").asText()).as("fdroidserver's sig of the signer").matches("[0-9a-f]{32}");
        assertThat(sha256(get("/fdroid/fdroid-store/repo/a2dp.Vol_137.apk"))).isEqualTo(apk.get("hash").asText());
        String icon = index.get("apps").get(0).get("icon").asText();
        assertThat(icon).isEqualTo("a2dp.Vol.137.png");
        for (String dir : new String[] {"icons", "icons-480"}) {
            byte[] png = get("/fdroid/fdroid-store/repo/" + dir + "/" + icon);
            assertThat(java.util.Arrays.copyOf(png, 4)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
            assertThat(png.length).as("the app's own icon, not the placeholder").isGreaterThan(100);
        }
    }

    @Test
    void entryJarNamesTheIndexV2ByItsSha256() throws Exception {
        byte[] entry = get("/fdroid/fdroid-store/repo/entry.json");
        X509Certificate cert = verifiedSigner(get("/fdroid/fdroid-store/repo/entry.jar"), "entry.json", entry);
        assertThat(sha256(cert.getEncoded())).isEqualTo(ok(server.get("/v1/repositories/fdroid-store/fdroid")).get("fingerprint").asText());

        JsonNode e = Json.parse(new String(entry, StandardCharsets.UTF_8));
        byte[] v2 = get("/fdroid/fdroid-store/repo/index-v2.json");
        assertThat(e.get("index").get("name").asText()).isEqualTo("/index-v2.json");
        assertThat(e.get("index").get("sha256").asText()).isEqualTo(sha256(v2));
        assertThat(e.get("index").get("size").asLong()).isEqualTo(v2.length);
        JsonNode version = Json.parse(new String(v2, StandardCharsets.UTF_8)).get("packages").get("a2dp.Vol").get("versions")
                .fields().next().getValue();
        assertThat(version.get("file").get("name").asText()).isEqualTo("/a2dp.Vol_137.apk");
        assertThat(version.get("manifest").get("signer").get("sha256").get(0).asText())
                .isEqualTo("1e3bf46f964d494c9094cbf1a7ebec99b63d4acf6ae7519287d94faf5ea6871b");
    }

    @Test
    void diffsAreMergePatchesFromEarlierIndexesToTheCurrentOne() throws Exception {
        byte[] before = get("/fdroid/fdroid-store/repo/index-v2.json");
        long beforeTs = Json.parse(new String(before, StandardCharsets.UTF_8)).get("repo").get("timestamp").asLong();
        Thread.sleep(5); // a new timestamp for the new state
        ok(server.postJson("/v1/organizations/acme/repositories/fdroid-store/builds", "{\"buildId\":\"" + jamendo + "\"}",
                bearer(f.maintainer)));

        JsonNode entry = Json.parse(new String(get("/fdroid/fdroid-store/repo/entry.json"), StandardCharsets.UTF_8));
        JsonNode diffInfo = entry.get("diffs").get(Long.toString(beforeTs));
        assertThat(diffInfo).as("a diff from the previous index").isNotNull();
        byte[] diff = get("/fdroid/fdroid-store/repo" + diffInfo.get("name").asText());
        assertThat(diffInfo.get("sha256").asText()).isEqualTo(sha256(diff));

        JsonNode patched = JsonMergePatch.apply(Json.parse(new String(before, StandardCharsets.UTF_8)),
                Json.parse(new String(diff, StandardCharsets.UTF_8)));
        assertThat(patched).isEqualTo(Json.parse(new String(get("/fdroid/fdroid-store/repo/index-v2.json"), StandardCharsets.UTF_8)));
        assertThat(server.get("/fdroid/fdroid-store/repo/diff/1.json").statusCode()).isEqualTo(404);
    }

    @Test
    void theKeySurvivesARestart() {
        String before = ok(server.get("/v1/repositories/fdroid-store/fdroid")).get("fingerprint").asText();
        server.restart();
        assertThat(ok(server.get("/v1/repositories/fdroid-store/fdroid")).get("fingerprint").asText()).isEqualTo(before);
    }

    @Test
    void unknownFilesAndRepositoriesAre404() {
        assertThat(server.get("/fdroid/fdroid-store/repo/nothing.apk").statusCode()).isEqualTo(404);
        assertThat(server.get("/fdroid/no-such/repo/index-v1.json").statusCode()).isEqualTo(404);
    }

    private JsonNode json(String path) {
        return Json.parse(new String(get(path), StandardCharsets.UTF_8));
    }

    private void publishTo(String repo, String build) {
        ok(server.postJson("/v1/organizations/acme/repositories/" + repo + "/builds", "{\"buildId\":\"" + build + "\"}",
                bearer(f.maintainer)));
    }

    @Test
    void theBaseEndsInFdroidWithTheRepoAndAnArchiveSectionAndTheFirstLayoutStillWorks() throws Exception {
        String fingerprint = ok(server.get("/v1/repositories/fdroid-store/fdroid")).get("fingerprint").asText();
        byte[] json = get("/repositories/fdroid-store/fdroid/repo/index-v1.json");
        assertThat(json).isEqualTo(get("/fdroid/fdroid-store/repo/index-v1.json"));
        assertThat(sha256(verifiedSigner(get("/repositories/fdroid-store/fdroid/repo/index-v1.jar"), "index-v1.json", json)
                .getEncoded())).isEqualTo(fingerprint);
        assertThat(get("/repositories/fdroid-store/fdroid/repo/a2dp.Vol_137.apk")).isEqualTo(get("/fdroid/fdroid-store/repo/a2dp.Vol_137.apk"));

        byte[] archive = get("/repositories/fdroid-store/fdroid/archive/index-v1.json");
        assertThat(sha256(verifiedSigner(get("/repositories/fdroid-store/fdroid/archive/index-v1.jar"), "index-v1.json", archive)
                .getEncoded())).isEqualTo(fingerprint);
        JsonNode a = Json.parse(new String(archive, StandardCharsets.UTF_8));
        assertThat(a.get("repo").get("address").asText()).isEqualTo(server.url("/repositories/fdroid-store/fdroid/archive"));
        assertThat(a.get("apps").get(0).get("packageName").asText()).isEqualTo("a2dp.Vol");
        assertThat(a.get("packages")).as("no version is archived: every one stays in the repository").isEmpty();
        assertThat(get("/repositories/fdroid-store/fdroid/archive/icons/a2dp.Vol.137.png")).isNotEmpty();
        assertThat(get("/fdroid/fdroid-store/archive/index-v1.jar")).isNotEmpty();
        assertThat(server.get("/repositories/fdroid-store/fdroid/archive/a2dp.Vol_137.apk").statusCode()).isEqualTo(404);
        assertThat(server.get("/repositories/fdroid-store/fdroid/other/index-v1.json").statusCode()).isEqualTo(404);
    }

    /** Each app keeps its first publication time and each version its own, so clients see only what is new. */
    @Test
    void eachAppAndEachVersionKeepItsOwnPublicationTime() throws Exception {
        ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"dates-store\"}", bearer(f.maintainer)));
        publishTo("dates-store", a2dp);
        JsonNode first = json("/fdroid/dates-store/repo/index-v1.json");
        long a2dpAdded = first.get("apps").get(0).get("added").asLong();
        assertThat(first.get("packages").get("a2dp.Vol").get(0).get("added").asLong()).isEqualTo(a2dpAdded);
        JsonNode firstV2 = json("/fdroid/dates-store/repo/index-v2.json");
        Thread.sleep(20);
        publishTo("dates-store", jamendo);

        JsonNode later = json("/fdroid/dates-store/repo/index-v1.json");
        long timestamp = later.get("repo").get("timestamp").asLong();
        JsonNode apps = later.get("apps");
        JsonNode a2dpApp = apps.get(0).get("packageName").asText().equals("a2dp.Vol") ? apps.get(0) : apps.get(1);
        JsonNode jamendoApp = apps.get(0) == a2dpApp ? apps.get(1) : apps.get(0);
        assertThat(a2dpApp.get("added").asLong()).isEqualTo(a2dpAdded);
        assertThat(a2dpApp.get("lastUpdated").asLong()).isEqualTo(a2dpAdded);
        assertThat(later.get("packages").get("a2dp.Vol").get(0).get("added").asLong()).isEqualTo(a2dpAdded);
        assertThat(jamendoApp.get("added").asLong()).isGreaterThan(a2dpAdded).isEqualTo(timestamp);
        assertThat(later.get("packages").get("com.teleca.jamendo").get(0).get("added").asLong()).isEqualTo(timestamp);

        JsonNode v2 = json("/fdroid/dates-store/repo/index-v2.json");
        assertThat(v2.get("packages").get("a2dp.Vol").get("metadata").get("added").asLong()).isEqualTo(a2dpAdded);
        assertThat(v2.get("packages").get("a2dp.Vol").get("versions").fields().next().getValue().get("added").asLong())
                .isEqualTo(a2dpAdded);
        // the diff from the first index carries only the app that changed, and entry.json counts it so
        JsonNode entry = json("/fdroid/dates-store/repo/entry.json");
        JsonNode info = entry.get("diffs").get(Long.toString(firstV2.get("repo").get("timestamp").asLong()));
        JsonNode diff = json("/fdroid/dates-store/repo" + info.get("name").asText());
        assertThat(diff.get("packages").size()).as(diff.toString()).isEqualTo(1);
        assertThat(diff.get("packages").has("com.teleca.jamendo")).isTrue();
        assertThat(info.get("numPackages").asInt()).isEqualTo(1);
    }

    /** Two nodes build the jars of one repository state alone, at different times: the same bytes under one ETag. */
    @Test
    void everyNodeSignsTheSameStateToTheSameBytes() throws Exception {
        HttpResponse<byte[]> here = server.send(HttpRequest.newBuilder(URI.create(server.url("/fdroid/fdroid-store/repo/index-v1.jar")))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        Thread.sleep(1100); // a signing time taken from the clock would differ now
        // both nodes advertise one public address, as nodes behind one load balancer do
        try (TestServer other = TestServer.secondNode(server, java.time.Clock.systemUTC(),
                java.util.Map.of(dev.depot.config.Setting.PUBLIC_URL, server.server().publicUrl()))) {
            for (String file : new String[] {"index-v1.jar", "entry.jar"}) {
                HttpResponse<byte[]> a = server.send(HttpRequest.newBuilder(URI.create(server.url("/fdroid/fdroid-store/repo/" + file)))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                // to the second node itself: its public address is the first's
                URI second = URI.create("http://127.0.0.1:" + other.server().port() + "/fdroid/fdroid-store/repo/" + file);
                HttpResponse<byte[]> b = other.send(HttpRequest.newBuilder(second).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(b.statusCode()).isEqualTo(200);
                assertThat(b.headers().firstValue("ETag")).isEqualTo(a.headers().firstValue("ETag"));
                assertThat(sha256(b.body())).as(file).isEqualTo(sha256(a.body()));
            }
        }
        assertThat(here.statusCode()).isEqualTo(200);
    }
}
