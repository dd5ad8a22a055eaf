package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.depot.support.OtaFixture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every page owes a keyboard and a screen reader, in a real browser: a skip link first in
 * the tab order, a visible focus ring, buttons in the page's own font, and refusals said on the
 * page instead of in a dialog.
 */
class PageBasicsBrowserTest extends ChromiumTest {

    @Test
    void theFirstTabReachesASkipLinkAndFocusIsVisible() {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            page.navigate(server.url("/"));
            Locator skip = page.locator("a.skip");
            assertThat(skip.boundingBox().y).as("out of sight until focused").isLessThan(0);
            page.keyboard().press("Tab");
            assertThat(page.evaluate("() => document.activeElement.className")).isEqualTo("skip");
            assertThat(skip.boundingBox().y).as("shown once focused").isGreaterThanOrEqualTo(0);
            assertThat(page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")).isEqualTo("solid");
            screenshot(page, "skip-link-desktop");
            page.keyboard().press("Enter");
            assertThat(page.evaluate("() => document.activeElement.id")).isEqualTo("main");

            page.navigate(server.url("/login"));
            assertThat(page.evaluate("() => getComputedStyle(document.querySelector('button')).fontFamily"))
                    .isEqualTo(page.evaluate("() => getComputedStyle(document.body).fontFamily"));
        }
    }

    @Test
    void aRefusedActionIsSaidOnThePageNotInADialog() {
        long build = f.upload("Bliss-v9.0-sunfish-OFFICIAL-gapps-20240901.zip", OtaFixture.randomBytes(100, 21));
        server.awaitNoJobs();
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844))) {
            Page page = signIn(context, server, "maint", "/dashboard/devices/sunfish");
            AtomicInteger dialogs = new AtomicInteger();
            page.onDialog(d -> {
                dialogs.incrementAndGet();
                d.dismiss();
            });
            // another tab (here: the API) deletes the build the page still shows
            server.depot().ota().builds().deleteBuild(server.depot().auth().authenticate(f.adminToken), build);
            page.locator("#build-" + build + " button", new Page.LocatorOptions().setHasText("Disable")).click();
            Locator flash = page.locator("#flash");
            flash.waitFor();
            assertThat(flash.textContent()).isNotBlank().doesNotContain("The server refused");
            assertThat(dialogs.get()).isZero();
            screenshot(page, "refusal-on-page-phone");
        }
    }
}
