package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.depot.support.OtaFixture;
import org.junit.jupiter.api.Test;

/** The public pages in a real browser (see {@link ChromiumTest}). */
class BrowserTest extends ChromiumTest {

    @Test
    void aVisitorFindsADeviceAndDownloadsItsBuildAndItIsCounted() {
        long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(4096, 5));
        f.upload("Bliss-v1.1-sunfish-OFFICIAL-gapps-20240201.zip", OtaFixture.randomBytes(4096, 6));

        try (var context = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true)
                .setViewportSize(1280, 800))) {
            Page page = context.newPage();
            page.navigate(server.url("/"));
            assertThat(page.title()).isEqualTo("Devices · Depot");
            screenshot(page, "home");

            page.fill("input[name=q]", "pixel");
            page.click("button[type=submit]");
            page.click("a[href='/devices/sunfish']");
            assertThat(page.url()).endsWith("/devices/sunfish");
            assertThat(page.locator("tbody tr").allTextContents()).anyMatch(t -> t.contains("v1.1"))
                    .anyMatch(t -> t.contains("v1.0"));
            screenshot(page, "device");

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
            screenshot(page, "device-phone");
        }
    }

    @Test
    void theSearchFiltersAsYouTypeAndABuildPageShowsItsQrCode() {
        server.depot().ota().devices().addDevice("lynx", "Pixel 7a", "Google");
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
            screenshot(page, "build");
        }
    }
}
