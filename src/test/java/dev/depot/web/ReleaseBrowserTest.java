package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.depot.auth.Principal;
import dev.depot.release.FailureReason;
import dev.depot.release.HaltRule;
import dev.depot.release.Installation;
import dev.depot.release.Installations;
import dev.depot.release.ReleaseService;
import dev.depot.release.ReleaseState;
import dev.depot.release.ReleaseTarget;
import dev.depot.release.ReportStep;
import dev.depot.support.OtaFixture;
import org.junit.jupiter.api.Test;

/**
 * The release pages in a real browser, at desktop and phone sizes: a maintainer releases a build
 * to 10 % of beta from the page, raises it, sees the funnel of reports and the halt a failing
 * release put on itself with its reason, and resumes, pauses and rolls back with the buttons.
 */
class ReleaseBrowserTest extends ChromiumTest {

    @Test
    void aMaintainerStagesAReleaseReadsItsFunnelAndHaltAndRollsItBack() {
        long good = f.upload("Bliss-v6.0-sunfish-OFFICIAL-gapps-20240701.zip", OtaFixture.randomBytes(4000, 61));
        long bad = f.upload("Bliss-v6.1-sunfish-OFFICIAL-gapps-20240801.zip", OtaFixture.randomBytes(4000, 62));
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = signIn(context, server, "maint", "/dashboard");
            page.navigate(server.url("/dashboard/devices/sunfish"));
            page.click("text=releases");
            page.waitForURL("**/dashboard/devices/sunfish/releases");
            assertThat(page.locator("main").textContent()).contains("No channels yet");
            page.selectOption("select[name=build]", Long.toString(good));
            page.selectOption("select[name=channel]", "beta");
            page.fill("input[name=percentage]", "10");
            page.click("form.stack button[type=submit]");
            page.waitForURL("**/releases/1");
            assertThat(page.locator(".percentage").textContent()).isEqualTo("10 %");
            page.fill("form.rollout input[name=percentage]", "25.5");
            page.click("form.rollout button");
            page.waitForURL("**/releases/1");
            assertThat(page.locator(".percentage").textContent()).isEqualTo("25.5 %");
            assertThat(page.locator("main").textContent()).contains("percentage").contains("25.5 %");

            // a failing release to stable: 30 reports, one in three a failure, halts it by itself
            Principal maint = server.depot().auth().authenticate(f.maintainerToken);
            ReleaseTarget sunfish = server.depot().releases().service().managedDevice(maint, "sunfish");
            long failing = server.depot().releases().service().create(maint, sunfish, new ReleaseService.NewRelease(
                    "stable", bad, 10_000, false, HaltRule.DEFAULT)).id();
            Installations installations = server.depot().releases().installations();
            for (int i = 0; i < 30; i++) {
                Installation phone = installations.contact(sunfish, "phone-" + i, null);
                installations.report(phone, new Installations.NewReport(failing, ReportStep.DOWNLOADED, 100, null, null, null));
                boolean fails = i % 3 == 0;
                installations.report(phone, new Installations.NewReport(failing, fails ? ReportStep.FAILED : ReportStep.INSTALLED,
                        null, fails ? (i % 2 == 0 ? FailureReason.INSTALL_FAILED : FailureReason.BOOT_FAILED) : null,
                        null, null));
            }
            assertThat(server.depot().releases().service().release(sunfish, failing).state()).isEqualTo(ReleaseState.HALTED);

            page.navigate(server.url("/dashboard/devices/sunfish/releases/" + failing));
            assertThat(page.locator(".halt").textContent()).contains("Halted by itself").contains("finished installs failed");
            assertThat(page.locator(".funnel .step-installed .n").textContent()).isEqualTo(
                    Long.toString(server.depot().releases().service().release(sunfish, failing).funnel().installed()));
            assertThat(page.locator("svg.failures rect").count()).isGreaterThanOrEqualTo(2);
            assertThat(page.locator(".legend").textContent()).contains("install failed").contains("boot failed");
            screenshot(page, "release-halted");

            page.click("button:has-text('Resume')");
            page.waitForURL("**/releases/" + failing);
            assertThat(page.locator("h1 .state").textContent()).isEqualTo("rolling");
            page.click("button:has-text('Pause')");
            page.waitForURL("**/releases/" + failing);
            assertThat(page.locator("h1 .state").textContent()).isEqualTo("paused");
            page.click("button:has-text('Roll back')");
            page.waitForURL("**/releases/" + failing);
            assertThat(page.locator("h1 .state").textContent()).isEqualTo("rolled back");
            assertThat(page.locator(".events").textContent()).contains("halted").contains("resumed").contains("paused")
                    .contains("rolled back");
            screenshot(page, "release-rolled-back");

            page.navigate(server.url("/dashboard/devices/sunfish/releases"));
            assertThat(page.locator("table.releases tbody tr").count()).isEqualTo(2);
            screenshot(page, "releases");
        }
        try (BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844).setIsMobile(true))) {
            Page page = signIn(phone, server, "maint", "/dashboard");
            page.navigate(server.url("/dashboard/devices/sunfish/releases/2"));
            assertThat(page.locator(".funnel").isVisible()).isTrue();
            screenshot(page, "release-phone");
            page.navigate(server.url("/dashboard/devices/sunfish/releases"));
            assertThat(page.locator("td[data-label=Rollout]").first().isVisible()).isTrue();
            screenshot(page, "releases-phone");
        }
    }
}
