package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.config.Setting;
import dev.depot.storage.BlobKey;
import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import dev.depot.support.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Signing in to the web pages, the session cookie, CSRF, and the maintainer's build management, over HTTP. */
@ParameterizedClass
@EnumSource(Backend.class)
class SignInTest {
    @Parameter
    Backend backend;

    private TestServer server;
    private OtaFixture f;

    @BeforeEach
    void start() {
        server = TestServer.start(backend, Map.of(Setting.LOGIN_MAX_FAILURES, "3"));
        f = new OtaFixture(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void signingInSetsAnHttpOnlyLaxCookieAndSigningOutEndsTheSession() {
        WebClient web = new WebClient(server);
        HttpResponse<String> r = web.signIn("maint", "password-maint");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/dashboard");
        String header = WebClient.setCookie(r, "depot_session").orElseThrow();
        assertThat(header).contains("HttpOnly", "SameSite=Lax", "Path=/").doesNotContain("Secure");
        assertThat(web.session()).startsWith("dpt_");

        HttpResponse<String> dash = web.get("/dashboard");
        assertThat(dash.statusCode()).isEqualTo(200);
        assertThat(dash.body()).contains("Sign out maint", "/dashboard/devices/sunfish").doesNotContain("/dashboard/devices/hidden");
        assertThat(web.get("/").body()).as("public pages know who is signed in").contains("Sign out maint");

        HttpResponse<String> out = web.post("/logout", Map.of());
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(WebClient.setCookie(out, "depot_session").orElseThrow()).contains("depot_session=;", "Expires=Thu, 01 Jan 1970");
        HttpResponse<String> after = web.get("/dashboard");
        assertThat(after.statusCode()).as("the kept cookie is worth nothing").isEqualTo(303);
        assertThat(after.headers().firstValue("Location")).contains("/login?next=%2Fdashboard");
    }

    @Test
    void behindTlsTheCookieIsSecure() {
        HttpResponse<String> form = server.get("/login", "X-Forwarded-Proto", "https");
        assertThat(WebClient.setCookie(form, "depot_signin").orElseThrow()).contains("Secure", "HttpOnly", "SameSite=Strict");
    }

    @Test
    void wrongPasswordsAreRefusedAndThrottledAsTheApiIs() {
        WebClient web = new WebClient(server);
        HttpResponse<String> wrong = web.signIn("maint", "not-the-password");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong username or password.");
        assertThat(WebClient.cookie(wrong, "depot_session")).isNull();
        web.signIn("maint", "not-the-password");
        HttpResponse<String> blank = web.signIn("maint", "");
        assertThat(blank.statusCode()).as("nothing to check: no attempt counted").isEqualTo(400);
        assertThat(blank.body()).contains("Enter your username and password.");
        web.signIn("maint", "still-not-it");
        HttpResponse<String> throttled = web.signIn("maint", "password-maint");
        assertThat(throttled.statusCode()).as("even the right password waits").isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled.body()).contains("Too many failed sign-ins");
    }

    @Test
    void theSignInFormNeedsItsOwnTokenAndGoesOnlyToLocalPages() {
        HttpResponse<String> forged = server.postForm("/login", Map.of("username", "maint", "password", "password-maint"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(WebClient.cookie(forged, "depot_session")).isNull();

        assertThat(SignInPages.next("//evil.example/x")).isEqualTo("/dashboard");
        assertThat(SignInPages.next("https://evil.example/")).isEqualTo("/dashboard");
        assertThat(SignInPages.next("/\\evil.example")).isEqualTo("/dashboard");
        assertThat(SignInPages.next("/dashboard/devices/sunfish")).isEqualTo("/dashboard/devices/sunfish");
    }

    @Test
    void aFormPostedWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(2000, 1));
        WebClient web = new WebClient(server);
        web.signIn("maint", "password-maint");

        HttpResponse<String> forged = web.postWithoutCsrf("/dashboard/builds/" + id + "/disable", Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("security token");
        HttpResponse<String> wrong = web.post("/dashboard/builds/" + id + "/disable", Map.of(), "X-CSRF-Token", "not-it");
        assertThat(wrong.statusCode()).as("a wrong header is not rescued by the right field").isEqualTo(403);
        assertThat(server.depot().ota().builds().build(id).orElseThrow().enabled()).isTrue();

        HttpResponse<String> real = web.post("/dashboard/builds/" + id + "/disable", Map.of());
        assertThat(real.statusCode()).isEqualTo(303);
        assertThat(server.depot().ota().builds().build(id).orElseThrow().enabled()).isFalse();
        assertThat(server.get("/api/v1/updater/los/sunfish/gapps/").body()).doesNotContain("v1.0");
        assertThat(server.get("/devices/sunfish").body()).doesNotContain("v1.0");
    }

    @Test
    void theApiTakesTheSessionOnlyWithItsCsrfHeader() {
        WebClient web = new WebClient(server);
        web.signIn("maint", "password-maint");
        String cookie = "depot_session=" + web.session();
        assertThat(server.get("/v1/me", "Cookie", cookie).statusCode()).as("a cookie alone is no credential").isEqualTo(401);
        assertThat(server.get("/v1/me", "Cookie", cookie, "X-CSRF-Token", "forged").statusCode()).isEqualTo(403);
        HttpResponse<String> me = server.get("/v1/me", "Cookie", cookie, "X-CSRF-Token", web.csrf());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"username\":\"maint\"").doesNotContain("admin\"]");
    }

    @Test
    void maintainersManageTheirDevicesBuildsOnly() {
        long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(2000, 2));
        WebClient outsider = new WebClient(server);
        outsider.signIn("outsider", "password-outsider");
        assertThat(outsider.get("/dashboard").body()).contains("You maintain no device.");
        HttpResponse<String> page = outsider.get("/dashboard/devices/sunfish");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(outsider.post("/dashboard/builds/" + id + "/delete", Map.of()).statusCode()).isEqualTo(403);
        assertThat(outsider.post("/dashboard/devices/sunfish/note", Map.of("note", "mine now")).statusCode()).isEqualTo(403);
        assertThat(server.depot().ota().builds().build(id)).isPresent();
        assertThat(server.depot().ota().devices().requireDevice("sunfish").note()).isEqualTo("Stable builds");
    }

    @Test
    void maintainersEditNotesAndChangelogsAndDeleteBuilds() throws Exception {
        byte[] data = OtaFixture.randomBytes(4000, 3);
        long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", data);
        WebClient web = new WebClient(server);
        web.signIn("maint", "password-maint");

        HttpResponse<String> manage = web.get("/dashboard/devices/sunfish");
        assertThat(manage.statusCode()).isEqualTo(200);
        assertThat(manage.body()).contains("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", "Disable", "Stable builds");

        assertThat(web.post("/dashboard/devices/sunfish/note", Map.of("note", "Now <b>faster</b>")).statusCode()).isEqualTo(303);
        assertThat(web.post("/dashboard/builds/" + id + "/changelog", Map.of("changelog", "Fixed <script>x</script> bugs")).statusCode())
                .isEqualTo(303);
        String pub = server.get("/devices/sunfish").body();
        assertThat(pub).contains("Now &lt;b&gt;faster&lt;/b&gt;", "Fixed &lt;script&gt;x&lt;/script&gt; bugs").doesNotContain("<script>x");
        assertThat(server.get("/builds/" + id).body()).contains("Fixed &lt;script&gt;");

        HttpResponse<String> row = web.post("/dashboard/builds/" + id + "/disable", Map.of(), "HX-Request", "true");
        assertThat(row.statusCode()).isEqualTo(200);
        assertThat(row.body()).startsWith("<tr id=\"build-" + id + "\" class=\"disabled\"").contains(">Enable</button>");

        HttpResponse<String> unknown = web.post("/dashboard/builds/" + id + "/explode", Map.of());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("There is no such action.");
        HttpResponse<String> gone = web.post("/dashboard/builds/" + id + "/delete", Map.of(), "HX-Request", "true");
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(gone.body()).isEmpty();
        assertThat(server.depot().ota().builds().build(id)).isEmpty();
        assertThat(server.depot().blobs().exists(new BlobKey(OtaFixture.sha256(data)))).as("its bytes went too").isFalse();
        assertThat(web.post("/dashboard/builds/" + id + "/delete", Map.of()).statusCode()).isEqualTo(404);
        assertThat(web.post("/dashboard/builds/nope/delete", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void theBrowsersTusUploadMakesARomBuild() {
        byte[] data = OtaFixture.randomBytes(3000, 4);
        WebClient web = new WebClient(server);
        web.signIn("maint", "password-maint");
        String cookie = "depot_session=" + web.session();
        String meta = "filename " + b64("Bliss-v2.0-sunfish-OFFICIAL-gapps-20240201.zip") + ",target " + b64("ota")
                + ",changelog " + b64("Faster boot");
        HttpResponse<String> created = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/v1/uploads")))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()),
                "Cookie", cookie, "X-CSRF-Token", web.csrf(), "Tus-Resumable", "1.0.0",
                "Upload-Length", Integer.toString(data.length), "Upload-Metadata", meta);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> patched = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(location))
                        .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofByteArray(data)),
                "Cookie", cookie, "X-CSRF-Token", web.csrf(), "Tus-Resumable", "1.0.0",
                "Upload-Offset", "0", "Content-Type", "application/offset+octet-stream");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(204);
        long id = Long.parseLong(patched.headers().firstValue("Depot-Build-Id").orElseThrow());
        assertThat(patched.headers().firstValue("Depot-Build-Url")).contains(server.url("/v1/builds/" + id));
        assertThat(server.depot().ota().builds().build(id).orElseThrow().sha256()).isEqualTo(OtaFixture.sha256(data));
        assertThat(server.depot().ota().builds().build(id).orElseThrow().changelog()).isEqualTo("Faster boot");

        String unknown = "filename " + b64("Bliss-v2.0-nosuch-OFFICIAL-gapps-20240201.zip") + ",target " + b64("ota");
        HttpResponse<String> refused = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/v1/uploads")))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()),
                "Cookie", cookie, "X-CSRF-Token", web.csrf(), "Tus-Resumable", "1.0.0",
                "Upload-Length", "10", "Upload-Metadata", unknown);
        assertThat(refused.statusCode()).as("the file name is checked before any byte is sent").isEqualTo(404);
        assertThat(refused.body()).contains("The specified device does not exist!");
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
