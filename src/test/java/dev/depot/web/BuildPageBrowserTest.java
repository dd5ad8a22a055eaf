package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.depot.auth.Principal;
import dev.depot.support.OtaFixture;
import org.junit.jupiter.api.Test;

/**
 * A build's public page in a real browser, at a desktop's size and a phone's: it names its device,
 * leads to a newer build when there is one, puts Download before the QR code on a phone, and a
 * withdrawn build's page says so.
 */
class BuildPageBrowserTest extends ChromiumTest {

    @Test
    void anOlderBuildLeadsToTheNewerOneAndAWithdrawnOneSaysSo() {
        long older = f.upload("Bliss-v8.0-sunfish-OFFICIAL-gapps-20240801.zip", OtaFixture.randomBytes(3000, 31));
        long newer = f.upload("Bliss-v8.1-sunfish-OFFICIAL-gapps-20240815.zip", OtaFixture.randomBytes(3000, 32));
        server.awaitNoJobs();

        try (BrowserContext desktop = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = desktop.newPage();
            page.navigate(server.url("/builds/" + older));
            assertThat(page.locator("h1").textContent()).startsWith("v8.0 for Google Pixel 4a");
            screenshot(page, "build-older-desktop");
            page.locator(".newer a").click();
            page.waitForURL("**/builds/" + newer);
            assertThat(page.locator(".newer").count()).isZero();
        }
        try (BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                .setDeviceScaleFactor(2).setIsMobile(true).setHasTouch(true))) {
            Page page = phone.newPage();
            page.navigate(server.url("/builds/" + newer));
            double download = page.locator("figure a.button").boundingBox().y;
            double qr = page.locator("figure svg").boundingBox().y;
            double facts = page.locator(".build dl").boundingBox().y;
            assertThat(download).as("Download before the QR code on a phone").isLessThan(qr);
            assertThat(download).as("and before the facts").isLessThan(facts);
            assertThat(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")).as("no sideways scrolling")
                    .isEqualTo(true);
            screenshot(page, "build-phone");

            // the device's table stacks on a phone and keeps its labels
            page.navigate(server.url("/devices/sunfish"));
            Object label = page.evaluate("() => getComputedStyle(document.querySelector('td[data-label=Date]'), '::before').content");
            assertThat(label).isEqualTo("\"Date: \"");
            screenshot(page, "device-phone");

            server.depot().ota().builds().setBuildEnabled(Principal.operator(), older, false);
            var answer = page.navigate(server.url("/builds/" + older));
            assertThat(answer.status()).isEqualTo(410);
            assertThat(page.locator(".message").textContent()).contains("was withdrawn by its maintainers");
            screenshot(page, "build-withdrawn-phone");
            page.locator("main a[href='/devices/sunfish']").click();
            page.waitForURL("**/devices/sunfish");
        }
    }
}
