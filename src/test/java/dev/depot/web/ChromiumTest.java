package dev.depot.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
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
import org.junit.jupiter.api.TestInstance;

/**
 * A real browser for the web page tests: Debian's chromium (installed by .ci/run), driven by
 * Playwright without its own browser download. Without chromium the tests are skipped, and counted
 * as skipped, like the other tests that need a Debian tool. Screenshots go to
 * {@code target/screenshots/} for a reviewer to look at. Each class gets one server (SQLite) with
 * the OTA fixture.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChromiumTest {
    static final Path CHROMIUM = Path.of(System.getProperty("depot.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    Playwright playwright;
    Browser browser;
    /** One server for the class, with the OTA fixture's users and devices. */
    TestServer server;
    OtaFixture f;

    @BeforeAll
    void launch() throws Exception {
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
    void close() {
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

    /** A new page of {@code context} signed in as {@code username} (password "password-" + name) on {@code on}, at {@code path}. */
    static Page signIn(BrowserContext context, TestServer on, String username, String path) {
        Page page = context.newPage();
        page.navigate(on.url("/login?next=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8)));
        page.fill("input[name=username]", username);
        page.fill("input[name=password]", "password-" + username);
        page.click("form button[type=submit]");
        page.waitForURL("**" + path);
        return page;
    }

    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
