package dev.depot.web;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Ipas;
import dev.depot.support.MutableClock;
import dev.depot.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tester's install page in a real browser: on a computer a QR code of the page and its link
 * with a copy button, on a phone the install button first with the steps; when the link stops
 * being valid, in the reader's time zone; what the app needs and who signed it; no sign-in link.
 * An iOS link and an expired link too.
 */
class InstallPageBrowserTest extends ChromiumTest {

    @Test
    void aTesterSeesHowToInstallUntilWhenAndFromWhom() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (TestServer apps = TestServer.start(Backend.SQLITE, Files.createTempDirectory("depot-install"), clock, Map.of())) {
            AppFixture a = new AppFixture(apps);
            JsonNode apk = a.uploadAndWait(a.maintainer, "apps/hello-world.apk", "tiny");
            String token = ok(apps.get("/v1/organizations/acme/apps/tiny/builds/" + apk.get("id").asText() + "/downloadToken?type=auto",
                    bearer(a.viewer))).get("token").asText();

            try (BrowserContext desktop = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)
                    .setTimezoneId("Asia/Tokyo").setLocale("en-GB").setPermissions(List.of("clipboard-read", "clipboard-write")))) {
                Page page = desktop.newPage();
                page.navigate(apps.url("/install/" + token));
                assertThat(page.locator("header nav a").count()).as("no sign-in in a tester's way").isZero();
                assertThat(page.locator("time.local").textContent()).as("in the reader's zone").contains("GMT+9");
                assertThat(page.locator("svg[aria-label='QR code of this page']").isVisible()).isTrue();
                page.locator("button.copy").click();
                page.locator("button.copy", new Page.LocatorOptions().setHasText("Copied")).waitFor();
                assertThat(page.evaluate("() => navigator.clipboard.readText()")).isEqualTo(apps.url("/install/" + token));
                assertThat(page.locator("main").textContent()).contains("From Acme", "Install unknown apps", "Play Protect", "or newer",
                        "Signed by");
                screenshot(page, "install-android-desktop");
            }
            try (BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                    .setDeviceScaleFactor(2).setIsMobile(true).setHasTouch(true))) {
                Page page = phone.newPage();
                page.navigate(apps.url("/install/" + token));
                assertThat(page.locator("figure.desktop-only").isVisible()).as("no QR code on the phone itself").isFalse();
                assertThat(page.locator("a.button.install").boundingBox().y).isLessThan(page.locator("ol.steps").boundingBox().y);
                assertThat(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
                screenshot(page, "install-android-phone");

                byte[] ipa = Ipas.ipa("Acme", Ipas.infoPlist("com.acme.ios", "3.2", "320", "Acme & Co").getBytes(StandardCharsets.UTF_8),
                        Ipas.provisioningProfile("TEAM123456", "2027-01-01T00:00:00Z", 2));
                JsonNode created = ok(a.integrationUpload(a.maintainer, "Acme.ipa", ipa, "organization", "acme", "app", "ios-app"));
                JsonNode built = a.waitProcessed(a.maintainer, created.get("id").asText());
                String ios = ok(apps.get("/v1/organizations/acme/apps/ios-app/builds/" + built.get("id").asText()
                        + "/downloadToken?type=auto", bearer(a.viewer))).get("token").asText();
                page.navigate(apps.url("/install/" + ios));
                assertThat(page.locator("a.button.install").getAttribute("href")).startsWith("itms-services://?action=download-manifest");
                assertThat(page.locator("main").textContent()).contains("Install on this iPhone", "VPN & Device Management");
                screenshot(page, "install-ios-phone");

                clock.advance(Duration.ofHours(2));
                var expired = page.navigate(apps.url("/install/" + token));
                assertThat(expired.status()).isEqualTo(410);
                assertThat(page.locator(".message").textContent()).isEqualTo("This install link has expired; ask for a new one.");
                screenshot(page, "install-expired-phone");
            }
        }
    }
}
