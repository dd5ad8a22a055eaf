package dev.depot.delivery;

import static dev.depot.support.ApiAssertions.assertEnvelopeError;
import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.delivery.DownloadType;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Ipas;
import dev.depot.support.Json;
import dev.depot.support.MutableClock;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Applivery's download-token contract (seed 002): every code, Android and iOS, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownloadTokenTest {
    @Parameter
    Backend backend;
    MutableClock clock;
    TestServer server;
    AppFixture f;
    JsonNode apk;
    byte[] apkBytes;

    @BeforeParameterizedClassInvocation
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        clock = new MutableClock(Instant.now());
        server = TestServer.start(backend, Files.createTempDirectory("depot-tokens"), clock, Map.of());
        f = new AppFixture(server);
        apkBytes = Files.readAllBytes(AppFixture.APKS.resolve("apps/hello-world.apk"));
        apk = f.uploadAndWait(f.maintainer, "apps/hello-world.apk", "tiny");
        assertThat(apk.get("status").asText()).isEqualTo("processed");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String tokenPath(String app, String buildId, String type) {
        return "/v1/organizations/acme/apps/" + app + "/builds/" + buildId + "/downloadToken" + (type == null ? "" : "?type=" + type);
    }

    private HttpResponse<byte[]> fetch(String url, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return server.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aTokenLeadsThroughARedirectToTheFileWithRanges() {
        long before = server.depot().downloads().countOfBuild(Long.parseLong(apk.get("id").asText()), DownloadType.DOWNLOAD);
        HttpResponse<String> r = server.get(tokenPath("tiny", apk.get("id").asText(), "file"), bearer(f.viewer));

        JsonNode body = Json.parse(r.body());
        assertThat(body.get("status").asBoolean()).isTrue();
        assertThat(body.get("data").fieldNames()).toIterable().containsExactly("token", "expiresAt");
        Instant expires = Instant.parse(body.get("data").get("expiresAt").asText());
        assertThat(expires).isBetween(clock.instant().plus(Duration.ofMinutes(59)), clock.instant().plus(Duration.ofMinutes(61)));

        HttpResponse<String> redirect = server.get("/v1/download/" + body.get("data").get("token").asText());
        assertThat(redirect.statusCode()).isEqualTo(302);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(server.url("/v1/files/")).endsWith("/hello-world.apk");

        HttpResponse<byte[]> file = fetch(location);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(apkBytes);
        assertThat(file.headers().firstValue("Content-Type")).contains("application/vnd.android.package-archive");
        HttpResponse<byte[]> part = fetch(location, "Range", "bytes=10-19");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(apkBytes, 10, 20));
        assertThat(server.depot().downloads().countOfBuild(Long.parseLong(apk.get("id").asText()), DownloadType.DOWNLOAD))
                .isEqualTo(before + 1);
    }

    @Test
    void anInstallPageShowsWhatATokenNamesAndOnlyTheTapCounts() {
        long id = Long.parseLong(apk.get("id").asText());
        String token = ok(server.get(tokenPath("tiny", apk.get("id").asText(), "auto"), bearer(f.viewer))).get("token").asText();
        long before = server.depot().downloads().countOfBuild(id, DownloadType.DOWNLOAD);

        HttpResponse<String> page = server.get("/install/" + token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("Tiny", "hello-world.apk", apk.get("sha256").asText(), "Download and install",
                "href=\"" + server.url("/v1/download/" + token) + "\"");
        // what a tester needs: who sends it, until when, how to install, what it needs and who signed it
        JsonNode facts = new com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(server.depot().catalog().builds().buildForDelivery(id).orElseThrow().facts());
        assertThat(page.body()).contains("From Acme · Android", "valid until <time class=\"local\" datetime=\"",
                "Install unknown apps", "Play Protect", "data-copy=\"" + server.url("/install/" + token) + "\"",
                "aria-label=\"QR code of this page\"", "(API level " + facts.get("minSdk").asInt() + ") or newer",
                "Signed by", facts.at("/signing/signerCertSha256/0").asText())
                .doesNotContain("href=\"/login\"");
        assertThat(server.depot().downloads().countOfBuild(id, DownloadType.DOWNLOAD)).as("looking counts nothing").isEqualTo(before);
        assertThat(server.get("/v1/download/" + token).statusCode()).isEqualTo(302);
        assertThat(server.depot().downloads().countOfBuild(id, DownloadType.DOWNLOAD)).isEqualTo(before + 1);

        assertThat(server.get("/install/not-a-token").statusCode()).isEqualTo(404);
        assertThat(server.get("/install/" + token.substring(0, token.length() - 2) + "xx").statusCode()).isEqualTo(404);
        clock.advance(Duration.ofHours(2));
        HttpResponse<String> expired = server.get("/install/" + token);
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(expired.body()).contains("This install link has expired");
    }

    @Test
    void autoOnAndroidIsTheApkAndAabNeedsAnAab() {
        JsonNode auto = ok(server.get(tokenPath("tiny", apk.get("id").asText(), "auto"), bearer(f.viewer)));
        assertThat(server.get("/v1/download/" + auto.get("token").asText()).headers().firstValue("Location").orElseThrow())
                .endsWith("/hello-world.apk");
        assertThat(ok(server.get(tokenPath("tiny", apk.get("id").asText(), null), bearer(f.viewer))).get("token").asText()).isNotBlank();
        assertEnvelopeError(server.get(tokenPath("tiny", apk.get("id").asText(), "aab"), bearer(f.viewer)), 400, 4000);
        assertEnvelopeError(server.get(tokenPath("tiny", apk.get("id").asText(), "zip"), bearer(f.viewer)), 400, 4000);
    }

    @Test
    void noAuthToken4002() {
        HttpResponse<String> r = server.get(tokenPath("tiny", apk.get("id").asText(), "file"));
        assertEnvelopeError(r, 401, 4002);
        assertThat(Json.parse(r.body()).get("error").get("message").asText()).isEqualTo("No auth token");
    }

    @Test
    void invalidAuthToken4004() {
        assertEnvelopeError(server.get(tokenPath("tiny", apk.get("id").asText(), "file"), "Authorization", "Bearer nope"), 401, 4004);
    }

    @Test
    void entityNotFound3001IncludingAnotherOrganizationsBuild() {
        assertEnvelopeError(server.get(tokenPath("tiny", "999999", "file"), bearer(f.viewer)), 404, 3001);
        assertEnvelopeError(server.get(tokenPath("nope", apk.get("id").asText(), "file"), bearer(f.viewer)), 404, 3001);
        assertEnvelopeError(server.get(tokenPath("tiny", apk.get("id").asText(), "file"), bearer(f.outsider)), 404, 3001);
        HttpResponse<String> r = server.get("/v1/organizations/globex/apps/secret/builds/" + apk.get("id").asText()
                + "/downloadToken?type=file", bearer(f.outsider));
        assertEnvelopeError(r, 404, 3001);
        assertThat(Json.parse(r.body()).get("error").get("message").asText()).isEqualTo("Entity not found");
    }

    @Test
    void buildNotProcessed5014() throws Exception {
        JsonNode broken = ok(f.integrationUpload(f.maintainer, "broken.apk", "nope".getBytes(), "organization", "acme", "app", "tiny"));
        f.waitProcessed(f.maintainer, broken.get("id").asText());

        HttpResponse<String> r = server.get(tokenPath("tiny", broken.get("id").asText(), "file"), bearer(f.viewer));

        assertEnvelopeError(r, 409, 5014);
        assertThat(Json.parse(r.body()).get("error").get("message").asText()).isEqualTo("Build Not Processed");
    }

    @Test
    void expiredToken4005AndTamperedToken3001() {
        String token = ok(server.get(tokenPath("tiny", apk.get("id").asText(), "file"), bearer(f.viewer))).get("token").asText();
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertEnvelopeError(server.get("/v1/download/" + tampered), 404, 3001);
        assertEnvelopeError(server.get("/v1/download/garbage"), 404, 3001);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        HttpResponse<String> r = server.get("/v1/download/" + token);

        assertEnvelopeError(r, 410, 4005);
        assertThat(Json.parse(r.body()).get("error").get("message").asText()).isEqualTo("Token Expired");
    }

    /** The name in a file link is signed with it: another name (an .html, say) opens nothing, and nothing is sniffed. */
    @Test
    void aFileLinkServesItsBytesUnderItsOwnNameOnly() {
        String token = ok(server.get(tokenPath("tiny", apk.get("id").asText(), "file"), bearer(f.viewer))).get("token").asText();
        String location = server.get("/v1/download/" + token).headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> file = fetch(location);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"hello-world.apk\"");

        String renamed = location.substring(0, location.lastIndexOf('/') + 1) + "x.html";
        assertEnvelopeError(server.send(HttpRequest.newBuilder(URI.create(renamed))), 404, 3001);
        assertThat(server.get("/v1/organizations", bearer(f.viewer)).headers().firstValue("X-Content-Type-Options"))
                .as("API answers too").contains("nosniff");
    }

    @Test
    void signedLinksExpireAndCannotBeForged() {
        String token = ok(server.get(tokenPath("tiny", apk.get("id").asText(), "file"), bearer(f.viewer))).get("token").asText();
        String location = server.get("/v1/download/" + token).headers().firstValue("Location").orElseThrow();
        String forged = location.replaceFirst("/v1/files/f\\.[0-9a-f]{10}", "/v1/files/f.0000000000");
        assertThat(forged).isNotEqualTo(location);
        assertEnvelopeError(server.send(HttpRequest.newBuilder(URI.create(forged))), 404, 3001);

        clock.advance(Duration.ofMinutes(16));
        assertEnvelopeError(server.send(HttpRequest.newBuilder(URI.create(location))), 410, 4005);
    }

    @Test
    void aDisabledBuildHasNoTokens() throws Exception {
        JsonNode b = f.uploadAndWait(f.maintainer, "apps/TestActivity.apk", "tiny");
        String token = ok(server.get(tokenPath("tiny", b.get("id").asText(), "file"), bearer(f.viewer))).get("token").asText();
        ok(server.send("PATCH", "/v1/organizations/acme/apps/tiny/builds/" + b.get("id").asText(), "{\"enabled\":false}",
                bearer(f.maintainer)));

        assertEnvelopeError(server.get(tokenPath("tiny", b.get("id").asText(), "file"), bearer(f.viewer)), 404, 3001);
        assertEnvelopeError(server.get("/v1/download/" + token), 404, 3001);
    }

    @Test
    void anAabServesItsUniversalApkForAutoAndFileAndItselfForAab() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(java.nio.file.Path.of("/usr/bin/aapt2")),
                "aapt2 (Debian package aapt) is not installed; skipping");
        byte[] aab = dev.depot.support.Aabs.bundle(dev.depot.support.Aabs.manifest("com.acme.bundle", 7, "0.7", "Bundle"));
        JsonNode created = ok(f.integrationUpload(f.maintainer, "bundle.aab", aab, "organization", "acme", "app", "tiny"));
        JsonNode b = f.waitProcessed(f.maintainer, created.get("id").asText());
        assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("processed");
        assertThat(b.get("kind").asText()).isEqualTo("aab");
        assertThat(b.get("facts").get("universalApkSha256").asText()).hasSize(64);

        String base = "/v1/organizations/acme/apps/tiny/builds/" + b.get("id").asText() + "/downloadToken?type=";
        for (String type : new String[] {"auto", "file"}) {
            String token = ok(server.get(base + type, bearer(f.viewer))).get("token").asText();
            String location = server.get("/v1/download/" + token).headers().firstValue("Location").orElseThrow();
            assertThat(location).endsWith("/bundle.apk");
            java.nio.file.Path apk = Files.write(Files.createTempFile("universal", ".apk"), fetch(location).body());
            assertThat(new dev.depot.inspect.ApkInspector().inspect(apk).packageName()).isEqualTo("com.acme.bundle");
        }
        String aabToken = ok(server.get(base + "aab", bearer(f.viewer))).get("token").asText();
        String aabLocation = server.get("/v1/download/" + aabToken).headers().firstValue("Location").orElseThrow();
        assertThat(aabLocation).endsWith("/bundle.aab");
        assertThat(fetch(aabLocation).body()).isEqualTo(aab);
    }

    @Test
    void iosAutoGivesAnInstallManifestAndFileGivesTheIpa() throws Exception {
        byte[] ipa = Ipas.ipa("Acme", Ipas.infoPlist("com.acme.ios", "3.2", "320", "Acme & Co").getBytes(StandardCharsets.UTF_8),
                Ipas.provisioningProfile("TEAM123456", "2027-01-01T00:00:00Z", 2));
        JsonNode created = ok(f.integrationUpload(f.maintainer, "Acme.ipa", ipa, "organization", "acme", "app", "ios-app"));
        JsonNode b = f.waitProcessed(f.maintainer, created.get("id").asText());
        assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("processed");
        assertThat(b.get("facts").get("provisioning").get("deviceCount").asInt()).isEqualTo(2);

        String auto = ok(server.get("/v1/organizations/acme/apps/ios-app/builds/" + b.get("id").asText() + "/downloadToken?type=auto",
                bearer(f.viewer))).get("token").asText();
        // a tester's install page hands itms-services a link that redeems the token straight into the manifest
        String installPage = server.get("/install/" + auto).body();
        String direct = server.url("/v1/download/" + auto + "/manifest.plist");
        assertThat(installPage).contains("Install on this iPhone", "itms-services://?action=download-manifest&amp;url="
                + java.net.URLEncoder.encode(direct, StandardCharsets.UTF_8));
        long id = Long.parseLong(b.get("id").asText());
        long before = server.depot().downloads().countOfBuild(id, DownloadType.DOWNLOAD);
        HttpResponse<byte[]> plist = fetch(direct);
        assertThat(plist.statusCode()).as("no redirect for the installer to follow").isEqualTo(200);
        assertThat(plist.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/xml");
        assertThat(new String(plist.body(), StandardCharsets.UTF_8)).contains("<string>software-package</string>", "<string>com.acme.ios</string>");
        assertThat(server.depot().downloads().countOfBuild(id, DownloadType.DOWNLOAD)).as("fetching it counts").isEqualTo(before + 1);
        String manifestUrl = server.get("/v1/download/" + auto).headers().firstValue("Location").orElseThrow();
        assertThat(manifestUrl).startsWith(server.url("/v1/manifests/")).endsWith("/manifest.plist");
        HttpResponse<byte[]> manifest = fetch(manifestUrl);
        String xml = new String(manifest.body(), StandardCharsets.UTF_8);
        assertThat(xml).contains("<string>software-package</string>").contains("<string>com.acme.ios</string>")
                .contains("<string>3.2</string>").contains("<string>Acme &amp; Co</string>");
        String ipaUrl = xml.replaceAll("(?s).*<key>url</key>\\s*<string>([^<]+)</string>.*", "$1");
        assertThat(ipaUrl).startsWith(server.url("/v1/files/"));
        assertThat(fetch(ipaUrl).body()).isEqualTo(ipa);

        String file = ok(server.get("/v1/organizations/acme/apps/ios-app/builds/" + b.get("id").asText() + "/downloadToken?type=file",
                bearer(f.viewer))).get("token").asText();
        assertThat(server.get("/v1/download/" + file).headers().firstValue("Location").orElseThrow()).endsWith("/Acme.ipa");
        assertThat(server.get("/v1/download/" + file + "/manifest.plist").statusCode()).as("not an iOS install token").isEqualTo(404);
        assertThat(server.get("/v1/download/not-a-token/manifest.plist").statusCode()).isEqualTo(404);
    }
}
