package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The public pages over real HTTP: what a ROM user sees before scripting anything. */
class WebPagesTest {
    private TestServer server;
    private OtaFixture f;

    @BeforeEach
    void start() {
        server = TestServer.start(Backend.SQLITE);
        f = new OtaFixture(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theHomePageListsVisibleMaintainedDevicesAndSearches() {
        server.depot().ota().devices().addDevice("walleye", "Pixel 2", "Google");
        server.depot().ota().devices().updateDevice("walleye", null, null, false, null, null, null);
        f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(1000, 1));

        HttpResponse<String> home = server.get("/");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(home.body()).contains("<a href=\"/devices/sunfish\">", "1 build").doesNotContain("walleye");
        assertThat(server.get("/?unmaintained=1").body()).contains("walleye", "unmaintained");
        assertThat(server.get("/?q=pixel%202&unmaintained=1").body()).contains("walleye").doesNotContain("/devices/sunfish");
        assertThat(server.get("/?q=nothing-like-it").body()).contains("No device matches.");
        assertThat(server.get("/assets/depot.css").body()).contains("--accent");
        assertThat(home.headers().firstValue("Content-Security-Policy").orElseThrow())
                .as("only Depot's own scripts run; no framing").contains("script-src 'self';", "frame-ancestors 'none'");
        assertThat(home.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void aDevicePageShowsItsBuildsByVariantWithCountingDownloadLinks() {
        byte[] data = OtaFixture.randomBytes(3000, 2);
        long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", data);

        HttpResponse<String> page = server.get("/devices/sunfish");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h2>gapps</h2>", "v1.0", "2024-01-01", "2.9 KiB", OtaFixture.sha256(data));
        String link = "/download/builds/" + id + "/Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip?type=download";
        assertThat(page.body()).contains(link);

        long before = server.depot().downloads().countOfBuild(id, dev.depot.delivery.DownloadType.DOWNLOAD);
        assertThat(server.get(link).statusCode()).isEqualTo(200);
        assertThat(server.depot().downloads().countOfBuild(id, dev.depot.delivery.DownloadType.DOWNLOAD))
                .as("the page's button counts like the API's link").isEqualTo(before + 1);

        server.depot().ota().builds().setBuildEnabled(dev.depot.auth.Principal.operator(), id, false);
        assertThat(server.get("/devices/sunfish").body()).doesNotContain("v1.0").contains("No builds yet.");
        assertThat(server.get("/devices/nosuchphone").statusCode()).isEqualTo(404);
        assertThat(server.get("/devices/nosuchphone").body()).contains("There is no such device.");
    }

    @Test
    void whatMaintainersWriteIsShownEscaped() {
        f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(100, 3));
        server.depot().ota().devices().updateDevice("sunfish", null, null, null, null, "<script>alert(1)</script> & more", null);

        String body = server.get("/devices/sunfish").body();
        assertThat(body).contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more").doesNotContain("<script>alert");
        assertThat(server.get("/?q=%3Cscript%3E").body()).contains("value=\"&lt;script>\"").doesNotContain("<script>");
    }

    @Test
    void aBuildPageShowsItsFactsChecksumsAndAQrCodeOfItsLink() {
        byte[] data = OtaFixture.randomBytes(5000, 4);
        long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", data);
        assertThat(server.get("/devices/sunfish").body()).contains("<a href=\"/builds/" + id + "\">v1.0</a>");

        HttpResponse<String> page = server.get("/builds/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        var build = server.depot().ota().builds().build(id).orElseThrow();
        assertThat(page.body()).contains("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", "2024-01-01", "4.9 KiB (5000 bytes)",
                OtaFixture.sha256(data), build.md5(), "<svg", "aria-label=\"QR code of the download link\"",
                "href=\"" + server.url("/download/builds/" + id + "/Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip?type=download") + "\"");
        assertThat(server.get("/builds/999999").statusCode()).isEqualTo(404);
        assertThat(server.get("/builds/not-a-number").statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("<h1>v1.0 for Google Pixel 4a", "2024-01-01 <span class=\"count\">("
                + WebPages.age(java.time.LocalDate.of(2024, 1, 1), java.time.LocalDate.now(java.time.ZoneOffset.UTC)) + ")")
                .doesNotContain("A newer build");

        long newer = f.upload("Bliss-v1.1-sunfish-OFFICIAL-gapps-20240201.zip", OtaFixture.randomBytes(5000, 5));
        server.awaitNoJobs();
        assertThat(server.get("/builds/" + id).body()).as("the older build points to the newer one")
                .contains("A newer build of this device and variant is out:", "<a href=\"/builds/" + newer + "\">v1.1</a>, made 2024-02-01.");
        assertThat(server.get("/builds/" + newer).body()).doesNotContain("A newer build");

        server.depot().ota().builds().setBuildEnabled(dev.depot.auth.Principal.operator(), id, false);
        HttpResponse<String> withdrawn = server.get("/builds/" + id);
        assertThat(withdrawn.statusCode()).as("a disabled build is gone, and says so").isEqualTo(410);
        assertThat(withdrawn.body()).contains("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip was withdrawn by its maintainers",
                "href=\"/devices/sunfish\"");
    }

    @Test
    void ageIsSaidInDays() {
        var today = java.time.LocalDate.of(2026, 12, 4);
        assertThat(WebPages.age(today, today)).isEqualTo("today");
        assertThat(WebPages.age(today.minusDays(1), today)).isEqualTo("yesterday");
        assertThat(WebPages.age(today.minusDays(204), today)).isEqualTo("204 days ago");
        assertThat(WebPages.age(today.plusDays(3), today)).as("a date ahead of the clock").isEqualTo("today");
    }

    @Test
    void htmxIsServedByDepotFromItsWebjar() {
        HttpResponse<String> htmx = server.get("/assets/htmx-2.0.10.min.js");
        assertThat(htmx.statusCode()).isEqualTo(200);
        assertThat(htmx.body()).contains("htmx");
        assertThat(server.get("/").body()).contains("src=\"/assets/htmx-2.0.10.min.js\"");
    }
}
