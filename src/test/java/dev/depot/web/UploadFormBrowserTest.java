package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's upload form as a maintainer meets it, at a desktop's size and a phone's: a
 * picked file's name is checked against the server's own rules before a byte is sent, the naming
 * rule is shown as a filled-in name for their device, progress says bytes, speed and time left,
 * Upload cannot be pressed twice, a typed changelog survives a reload, every refusal shows the
 * server's message, and a finished upload says what the check is and counts the build once it is
 * published.
 */
class UploadFormBrowserTest extends ChromiumTest {
    private static final Browser.NewContextOptions DESKTOP = new Browser.NewContextOptions().setViewportSize(1280, 900);
    private static final Browser.NewContextOptions PHONE = new Browser.NewContextOptions().setViewportSize(390, 844)
            .setDeviceScaleFactor(2).setIsMobile(true).setHasTouch(true);

    private static Path file(String name, int size, long seed) throws Exception {
        Path file = Files.createTempDirectory("depot-browser-").resolve(name);
        Files.write(file, OtaFixture.randomBytes(size, seed));
        return file;
    }

    @Test
    void aRefusedNameIsShownAtOnceAndSendsNothing() throws Exception {
        for (var size : Map.of("desktop", DESKTOP, "phone", PHONE).entrySet()) {
            try (BrowserContext context = browser.newContext(size.getValue())) {
                Page page = signIn(context, server, "maint", "/dashboard");
                assertThat(page.evaluate("() => [...document.querySelectorAll('[hidden]')].every(e => getComputedStyle(e).display === 'none')"))
                        .as("every hidden element is hidden, the Pause button among them").isEqualTo(true);
                assertThat(page.locator("[data-pause]").isVisible()).isFalse();

                // the rule as a name for the maintainer's own device, which the server takes
                Locator example = page.locator("code.example").first();
                String name = example.textContent();
                assertThat(name).contains("-sunfish-OFFICIAL-");
                assertThat(server.get("/dashboard/upload-name?name=" + name, "Cookie", cookie(context)).body()).contains("\"ok\":true");

                long sessions = uploadSessions();
                page.setInputFiles("input[type=file]", file("Bliss-v1.0-hidden-OFFICIAL-gapps-20240501.zip", 200_000, 1));
                Locator check = page.locator(".name-check.error");
                check.waitFor();
                assertThat(check.textContent()).isEqualTo("You are not authorized to upload for this device!");
                assertThat(page.locator("form.upload button[type=submit]").isDisabled()).isTrue();
                screenshot(page, "upload-refused-name-" + size.getKey());

                page.setInputFiles("input[type=file]", file("not-a-rom-name.zip", 200_000, 2));
                page.locator(".name-check.error", new Page.LocatorOptions().setHasText("does not match")).waitFor();

                page.setInputFiles("input[type=file]", file("Bliss-v1.0-sunfish-OFFICIAL-gapps-20241331.zip", 200_000, 3));
                page.locator(".name-check.error", new Page.LocatorOptions().setHasText("not a real date")).waitFor();
                assertThat(uploadSessions()).as("no byte was sent for a refused name").isEqualTo(sessions);

                page.setInputFiles("input[type=file]", file("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240501.zip", 200_000, 4));
                page.locator(".name-check.ok").waitFor();
                assertThat(page.locator(".name-check").textContent())
                        .isEqualTo("A gapps build of v1.0 for Google Pixel 4a (sunfish), made 2024-05-01.");
                assertThat(page.locator("form.upload button[type=submit]").isEnabled()).isTrue();
            }
        }
    }

    @Test
    void anUploadShowsItsProgressKeepsItsChangelogAndCountsTheBuildOnceChecked() throws Exception {
        try (BrowserContext context = browser.newContext(DESKTOP)) {
            Page page = signIn(context, server, "maint", "/dashboard");
            page.fill("textarea[name=changelog]", "Security patch of December");
            page.reload();
            assertThat(page.inputValue("textarea[name=changelog]")).as("what was typed survives a reload").isEqualTo("Security patch of December");
            String before = page.locator("li[data-codename=sunfish] .published").textContent();

            Path zip = file("Bliss-v2.0-sunfish-OFFICIAL-gapps-20240502.zip", 40 * 1024 * 1024, 5);
            page.setInputFiles("input[type=file]", zip);
            page.locator(".name-check.ok").waitFor();
            // slow the chunks down so that the form is seen while it uploads
            page.route("**/v1/uploads/*", route -> {
                if (route.request().method().equals("PATCH")) {
                    sleep(700);
                }
                route.resume();
            });
            page.click("form.upload button[type=submit]");
            page.locator(".upload-status", new Page.LocatorOptions().setHasText(" left.")).waitFor();
            String progress = page.locator(".upload-status").textContent();
            assertThat(progress).matches("Uploading Bliss-v2\\.0-sunfish-OFFICIAL-gapps-20240502\\.zip: \\d+ %, [\\d.]+ MB of 41\\.9 MB, "
                    + "[\\d.]+ MB/s, \\d+ (s|min) left\\.");
            assertThat(page.locator("form.upload button[type=submit]").isDisabled()).as("no second upload while one runs").isTrue();
            assertThat(page.locator("[data-pause]").isVisible()).isTrue();
            screenshot(page, "upload-progress-desktop");

            page.locator(".upload-status.ok").waitFor();
            assertThat(page.locator(".upload-status").textContent()).contains("as build").contains("Depot now checks it");
            page.locator(".upload-status", new Page.LocatorOptions().setHasText("Checked and published.")).waitFor();
            assertThat(page.locator("li[data-codename=sunfish] .published").textContent())
                    .isEqualTo(Integer.toString(Integer.parseInt(before) + 1));
            assertThat(page.locator("[data-pause]").isVisible()).isFalse();
            screenshot(page, "upload-done-desktop");
            var build = server.depot().ota().builds().buildByFileName(zip.getFileName().toString()).orElseThrow();
            assertThat(build.changelog()).isEqualTo("Security patch of December");
            page.reload();
            assertThat(page.inputValue("textarea[name=changelog]")).as("a sent changelog is not kept").isEmpty();
        }
    }

    @Test
    void aRefusalShowsTheServersOwnMessage() throws Exception {
        try (TestServer small = TestServer.start(Backend.SQLITE, Map.of(Setting.UPLOAD_MAX_BYTES, "1000000"))) {
            new OtaFixture(small);
            try (BrowserContext context = browser.newContext(PHONE)) {
                Page page = signIn(context, small, "maint", "/dashboard");
                page.setInputFiles("input[type=file]", file("Bliss-v3.0-sunfish-OFFICIAL-gapps-20240503.zip", 1_500_000, 6));
                page.locator(".name-check.ok").waitFor();
                page.click("form.upload button[type=submit]");
                Locator status = page.locator(".upload-status.error");
                status.waitFor();
                String said = status.textContent();
                assertThat(said).doesNotStartWith("The server answered").contains("1000000");
                screenshot(page, "upload-refused-size-phone");
            }
        }
    }

    private long uploadSessions() {
        return server.depot().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM upload_sessions").mapTo(Long.class).one());
    }

    private static String cookie(BrowserContext context) {
        return String.join("; ", context.cookies().stream().map(c -> c.name + "=" + c.value).toList());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
