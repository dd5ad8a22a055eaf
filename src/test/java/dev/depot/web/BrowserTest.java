package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The web pages in a real browser: Debian's chromium (installed by .ci/run), driven by Playwright.
 * Screenshots of the pages go to {@code target/screenshots/} for a reviewer to look at.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {
    static final Path CHROMIUM = Path.of(System.getProperty("depot.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private TestServer server;
    private OtaFixture f;
    private Playwright playwright;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        // like the other tests that need a Debian tool: skipped (and counted as skipped) without it
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Debian's chromium (.ci/run does)");
        Files.createDirectories(SCREENSHOTS);
        server = TestServer.start(Backend.SQLITE);
        f = new OtaFixture(server);
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run")));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aVisitorFindsADeviceAndDownloadsItsBuildAndItIsCounted() {
        long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(4096, 5));
        f.upload("Bliss-v1.1-sunfish-OFFICIAL-gapps-20240201.zip", OtaFixture.randomBytes(4096, 6));

        try (var context = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true)
                .setViewportSize(1280, 800))) {
            Page page = context.newPage();
            page.navigate(server.url("/"));
            assertThat(page.title()).isEqualTo("Devices · Depot");
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("home.png")).setFullPage(true));

            page.fill("input[name=q]", "pixel");
            page.click("button[type=submit]");
            page.click("a[href='/devices/sunfish']");
            assertThat(page.url()).endsWith("/devices/sunfish");
            assertThat(page.locator("tbody tr").allTextContents()).anyMatch(t -> t.contains("v1.1"))
                    .anyMatch(t -> t.contains("v1.0"));
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("device.png")).setFullPage(true));

            long before = server.depot().downloads().countOfBuild(id, dev.depot.delivery.DownloadType.DOWNLOAD);
            var download = page.waitForDownload(() -> page.locator("tbody tr", new Page.LocatorOptions().setHasText("v1.0"))
                    .locator("a.button").click());
            assertThat(download.suggestedFilename()).isEqualTo("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip");
            assertThat(download.failure()).isNull();
            assertThat(server.depot().downloads().countOfBuild(id, dev.depot.delivery.DownloadType.DOWNLOAD)).isEqualTo(before + 1);
        }
    }

    @Test
    void thePagesFitAPhoneScreen() {
        f.upload("Bliss-v2.0-sunfish-OFFICIAL-gapps-20240301.zip", OtaFixture.randomBytes(100, 7));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844).setIsMobile(true))) {
            Page page = context.newPage();
            page.navigate(server.url("/devices/sunfish"));
            Object overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth");
            assertThat(overflow).as("no sideways scrolling on a phone").isEqualTo(false);
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("device-phone.png")).setFullPage(true));
        }
    }

    @Test
    void theSearchFiltersAsYouTypeAndABuildPageShowsItsQrCode() {
        server.depot().ota().addDevice("lynx", "Pixel 7a", "Google");
        long id = f.upload("Bliss-v3.0-sunfish-OFFICIAL-gapps-20240401.zip", OtaFixture.randomBytes(100, 8));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800))) {
            Page page = context.newPage();
            page.navigate(server.url("/?unmaintained=1"));
            page.locator("a[href='/devices/lynx']").waitFor();
            page.locator("input[name=q]").pressSequentially("sunf");
            // htmx swaps the list in place, without a page load
            page.locator("a[href='/devices/lynx']").waitFor(new com.microsoft.playwright.Locator.WaitForOptions()
                    .setState(com.microsoft.playwright.options.WaitForSelectorState.DETACHED));
            assertThat(page.locator("a[href='/devices/sunfish']").isVisible()).isTrue();
            assertThat(page.url()).contains("q=sunf");

            page.navigate(server.url("/builds/" + id));
            var qr = page.locator("svg.qr");
            assertThat(qr.isVisible()).isTrue();
            assertThat(qr.boundingBox().width).isGreaterThan(100);
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("build.png")).setFullPage(true));
        }
    }
}
