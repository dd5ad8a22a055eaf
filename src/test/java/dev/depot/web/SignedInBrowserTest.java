package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.OtaBuild;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The signed-in pages in a real browser: a maintainer signs in, uploads a build through the page
 * (tus, with progress, resuming a half-sent file), finds it on the public page, downloads it and
 * sees the count rise, disables it and sees it gone from the page and the updater API, reads the
 * statistics chart; an admin creates and revokes a token; a forged form and a viewer are refused.
 */
class SignedInBrowserTest extends ChromiumTest {

    private BrowserContext context() {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900).setAcceptDownloads(true));
    }

    private Page signIn(BrowserContext context, String username, String shot) {
        return signIn(context, username, shot, server.url(""));
    }

    /** Signs in on the server reached at {@code base} (another name for it than public.url, say). */
    private Page signIn(BrowserContext context, String username, String shot, String base) {
        Page page = context.newPage();
        page.navigate(base + "/dashboard");
        assertThat(page.url()).as("sent to sign in first").contains("/login?next=%2Fdashboard");
        page.fill("input[name=username]", username);
        page.fill("input[name=password]", "password-" + username);
        if (shot != null) {
            screenshot(page, shot);
        }
        page.click("form button[type=submit]");
        page.waitForURL("**/dashboard");
        return page;
    }

    @Test
    void aMaintainerUploadsThroughThePageDownloadsDisablesAndReadsTheChart() throws Exception {
        try (BrowserContext context = context()) {
            Page page = signIn(context, "maint", "login");
            byte[] data = OtaFixture.randomBytes(20 * 1024 * 1024 + 123, 11);
            Path dir = Files.createTempDirectory("depot-browser-");
            Path file = dir.resolve("Bliss-v4.0-sunfish-OFFICIAL-gapps-20240501.zip");
            Files.write(file, data);

            page.setInputFiles("input[type=file]", file);
            page.selectOption("select[name=target]", "ota");
            page.click("form.upload button[type=submit]");
            page.locator(".upload-status.ok").waitFor();
            assertThat(page.locator(".upload-status").textContent()).contains("Uploaded Bliss-v4.0-sunfish-OFFICIAL-gapps-20240501.zip as build");
            assertThat(page.locator("progress").getAttribute("max")).isEqualTo(Integer.toString(data.length));
            screenshot(page, "dashboard");
            OtaBuild build = server.depot().ota().builds().buildByFileName(file.getFileName().toString()).orElseThrow();
            assertThat(build.sha256()).isEqualTo(OtaFixture.sha256(data));

            page.navigate(server.url("/devices/sunfish"));
            Locator row = page.locator("tbody tr", new Page.LocatorOptions().setHasText("v4.0"));
            row.waitFor();
            long before = server.depot().downloads().countOfBuild(build.id(), DownloadType.DOWNLOAD);
            var download = page.waitForDownload(() -> row.locator("a.button").click());
            assertThat(download.failure()).isNull();
            assertThat(server.depot().downloads().countOfBuild(build.id(), DownloadType.DOWNLOAD)).isEqualTo(before + 1);

            page.navigate(server.url("/dashboard/stats?days=7"));
            page.locator("#downloads-chart canvas").waitFor();
            Object painted = page.evaluate("() => { const c = document.querySelector('#downloads-chart canvas');"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                    + " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }");
            assertThat(((Number) painted).intValue()).as("the chart drew something").isGreaterThan(1000);
            assertThat(page.locator("main").textContent()).contains("1 downloads").contains("Bliss-v4.0-sunfish-OFFICIAL-gapps-20240501.zip");
            screenshot(page, "stats");

            page.navigate(server.url("/dashboard/devices/sunfish"));
            Locator managed = page.locator("#build-" + build.id());
            managed.locator("button", new Locator.LocatorOptions().setHasText("Disable")).click();
            managed.locator("button", new Locator.LocatorOptions().setHasText("Enable")).waitFor();
            PlaywrightAssertions.assertThat(managed).hasClass(java.util.regex.Pattern.compile("\\bdisabled\\b"));
            screenshot(page, "manage-device");
            assertThat(server.get("/api/v1/updater/los/sunfish/gapps/").body()).doesNotContain("v4.0");
            page.navigate(server.url("/devices/sunfish"));
            assertThat(page.locator("main").textContent()).doesNotContain("v4.0");
        }
    }

    @Test
    void anInterruptedUploadResumesWhereItStopped() throws Exception {
        byte[] data = OtaFixture.randomBytes(12 * 1024 * 1024, 12);
        Path file = Files.createTempDirectory("depot-browser-").resolve("Bliss-v5.0-sunfish-OFFICIAL-gapps-20240601.zip");
        Files.write(file, data);
        // the first 5 MiB went up before the connection broke
        String meta = "filename " + b64(file.getFileName().toString()) + ",target " + b64("ota");
        HttpResponse<String> created = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/uploads")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(data, 5 * 1024 * 1024))),
                "Authorization", "Token " + f.maintainerToken, "Tus-Resumable", "1.0.0", "Upload-Length", Integer.toString(data.length),
                "Upload-Metadata", meta, "Content-Type", "application/offset+octet-stream");
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();

        try (BrowserContext context = context()) {
            Page page = signIn(context, "maint", null);
            page.setInputFiles("input[type=file]", file);
            page.selectOption("select[name=target]", "ota");
            page.evaluate("url => { const f = document.querySelector('input[type=file]').files[0];"
                    + " localStorage.setItem('depot-upload:ota:' + f.name + ':' + f.size + ':' + f.lastModified, url); }", location);
            page.click("form.upload button[type=submit]");
            page.locator(".upload-status", new Page.LocatorOptions().setHasText("Resuming at 41 % (5.2 MB were sent before).")).waitFor();
            page.locator(".upload-status.ok").waitFor();
            assertThat(page.evaluate("() => localStorage.length")).as("a finished upload is forgotten").isEqualTo(0);
        }
        OtaBuild build = server.depot().ota().builds().buildByFileName(file.getFileName().toString()).orElseThrow();
        assertThat(build.sha256()).isEqualTo(OtaFixture.sha256(data));
        HttpResponse<String> head = server.send(HttpRequest.newBuilder(URI.create(location)).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                "Authorization", "Token " + f.maintainerToken, "Tus-Resumable", "1.0.0");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Depot-Build-Id")).as("the resumed upload is the one that completed")
                .contains(Long.toString(build.id()));
    }

    @Test
    void aBrokenConnectionIsRetriedFromTheServersOffset() throws Exception {
        byte[] data = OtaFixture.randomBytes(9 * 1024 * 1024, 14);
        Path file = Files.createTempDirectory("depot-browser-").resolve("Bliss-v7.0-sunfish-OFFICIAL-gapps-20240801.zip");
        Files.write(file, data);
        try (BrowserContext context = context()) {
            // reached as localhost while Depot's public.url says 127.0.0.1: tus' Location names the
            // other host, and the page still uploads to its own
            Page page = signIn(context, "maint", null, server.url("").replace("127.0.0.1", "localhost"));
            assertThat(page.url()).contains("//localhost:");
            java.util.concurrent.atomic.AtomicInteger patches = new java.util.concurrent.atomic.AtomicInteger();
            page.route("**/v1/uploads/*", route -> {
                // the second PATCH (after the first 8 MiB) dies on the way, as a dropped connection does
                if (route.request().method().equals("PATCH") && patches.incrementAndGet() == 2) {
                    route.abort("connectionreset");
                } else {
                    route.resume();
                }
            });
            page.setInputFiles("input[type=file]", file);
            page.selectOption("select[name=target]", "ota");
            page.click("form.upload button[type=submit]");
            page.locator(".upload-status", new Page.LocatorOptions().setHasText("trying again")).waitFor();
            page.locator(".upload-status.ok").waitFor();
            assertThat(patches.get()).as("the lost chunk was sent again").isEqualTo(3);
        }
        OtaBuild build = server.depot().ota().builds().buildByFileName(file.getFileName().toString()).orElseThrow();
        assertThat(build.sha256()).isEqualTo(OtaFixture.sha256(data));
    }

    @Test
    void anAdminCreatesAndRevokesAToken() {
        try (BrowserContext context = context()) {
            Page page = signIn(context, "root", null);
            page.click("header a[href='/admin']");
            page.click("a[href='/admin/users']");
            screenshot(page, "admin-users");
            page.click("a[href='/admin/users/maint']");
            page.fill("input[name=name]", "release-bot");
            page.check("input[name=scope][value=upload]");
            page.click("form[action$='/tokens'] button[type=submit]");
            String secret = page.locator("#issued-token").textContent();
            assertThat(secret).startsWith("dpt_");
            screenshot(page, "admin-token");
            assertThat(server.get("/v1/me", TestServer.auth(secret)).body()).contains("\"scopes\":[\"read\",\"upload\"]");

            page.reload();
            assertThat(page.content()).as("shown once").doesNotContain(secret);
            page.locator("tr", new Page.LocatorOptions().setHasText("release-bot")).locator("button", new Locator.LocatorOptions()
                    .setHasText("Revoke")).click();
            page.locator("tr", new Page.LocatorOptions().setHasText("release-bot")).locator(".tag").waitFor();
            assertThat(server.get("/v1/me", TestServer.auth(secret)).statusCode()).isEqualTo(401);

            page.navigate(server.url("/admin/devices"));
            screenshot(page, "admin-devices");
        }
    }

    @Test
    void notesAreEscapedForgedFormsRefusedAndViewersKeptOutOfAdmin() {
        try (BrowserContext context = context()) {
            Page page = signIn(context, "maint", null);
            page.navigate(server.url("/dashboard/devices/sunfish"));
            page.fill("textarea[name=note]", "<script>window.pwned = 1</script>Weekly builds");
            page.click("form[action$='/note'] button[type=submit]");
            page.navigate(server.url("/devices/sunfish"));
            assertThat(page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
            assertThat(page.locator(".note").textContent()).isEqualTo("<script>window.pwned = 1</script>Weekly builds");

            page.navigate(server.url("/dashboard/devices/sunfish"));
            page.evaluate("() => document.querySelector(\"form[action$='/note'] input[name=_csrf]\").remove()");
            page.fill("textarea[name=note]", "forged");
            Response refused = page.waitForNavigation(() -> page.click("form[action$='/note'] button[type=submit]"));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(server.depot().ota().devices().requireDevice("sunfish").note()).doesNotContain("forged");

            Response admin = page.navigate(server.url("/admin"));
            assertThat(admin.status()).isEqualTo(403);
            assertThat(page.locator("main").textContent()).contains("This page is for admins.");
        }
    }

    @Test
    void theSignedInPagesFitAPhoneScreen() {
        f.upload("Bliss-v6.0-sunfish-OFFICIAL-gapps-20240701.zip", OtaFixture.randomBytes(100, 13));
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844).setIsMobile(true))) {
            Page page = signIn(context, "root", null);
            for (String path : java.util.List.of("/dashboard", "/dashboard/devices/sunfish", "/dashboard/stats", "/admin",
                    "/admin/users/maint", "/admin/organizations", "/admin/devices", "/admin/repositories")) {
                page.navigate(server.url(path));
                Object overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth");
                assertThat(overflow).as("no sideways scrolling on a phone: " + path).isEqualTo(false);
            }
            page.navigate(server.url("/dashboard/devices/sunfish"));
            screenshot(page, "manage-device-phone");
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
