package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.MutableClock;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import dev.depot.support.WebClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The statistics page: per-day downloads and updates over 7/30/90 days, per device, app and build, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class StatsPagesTest {
    @Parameter
    Backend backend;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private TestServer server;
    private OtaFixture f;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(backend, Files.createTempDirectory("depot-stats-"), clock, Map.of());
        f = new OtaFixture(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void countsPerDayByTypeOverEachPeriodAndOnlyWhatTheViewerMaySee() {
        long id = f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(1500, 1));
        String link = "/download/builds/" + id + "/Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip";
        for (int i = 0; i < 3; i++) {
            assertThat(server.get(link + "?type=download").statusCode()).isEqualTo(200);
        }
        clock.advance(Duration.ofDays(10));
        assertThat(server.get(link + "?type=update").statusCode()).isEqualTo(200);

        WebClient maint = new WebClient(server);
        maint.signIn("maint", "password-maint");
        String week = maint.get("/dashboard/stats?days=7").body();
        assertThat(week).contains("<strong>0</strong> downloads and <strong>1</strong> updates in the last 7 days");
        String month = maint.get("/dashboard/stats?days=30&of=device:sunfish").body();
        assertThat(month).contains("<strong>3</strong> downloads and <strong>1</strong> updates in the last 30 days",
                "Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", "<option value=\"device:sunfish\" selected>");
        // 30 days of x values, oldest first; the downloads ten days before today and the update today
        String series = month.substring(month.indexOf("data-series=\"") + 13);
        series = series.substring(0, series.indexOf('"')).replace("&#34;", "\"");
        assertThat(series).startsWith("[[").endsWith(",0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]]")
                .contains(",0,3,0,0,0,0,0,0,0,0,0,0],");
        assertThat(maint.get("/dashboard/stats?days=90&build=" + id).body()).contains("<strong>3</strong> downloads", "build " + id);
        assertThat(maint.get("/dashboard/stats?days=90&build=999999").body()).contains("<strong>0</strong> downloads");
        assertThat(maint.get("/dashboard/stats?of=device:hidden").statusCode()).as("not a device of theirs").isEqualTo(404);

        WebClient outsider = new WebClient(server);
        outsider.signIn("outsider", "password-outsider");
        String theirs = outsider.get("/dashboard/stats?days=90").body();
        assertThat(theirs).contains("<strong>0</strong> downloads and <strong>0</strong> updates", "Nothing was fetched")
                .doesNotContain("Bliss-v1.0");
        assertThat(outsider.get("/dashboard/stats?days=90&build=" + id).body()).as("naming a build does not widen the view")
                .contains("<strong>0</strong> downloads");
        assertThat(outsider.get("/assets/uPlot-1.6.30.min.js").body()).contains("uPlot");
    }

    @Test
    void appDownloadsCountForTheirOrganizationsMembers() throws Exception {
        AppFixture apps = new AppFixture(server);
        String build = apps.uploadAndWaitQuietly("apps/com.politedroid_4.apk");
        var token = AppFixture.ok(server.get("/v1/organizations/acme/apps/tiny/builds/" + build + "/downloadToken",
                AppFixture.bearer(apps.maintainer)));
        String t = token.get("token").asText();
        assertThat(server.get("/v1/download/" + t).statusCode()).isIn(200, 302);

        WebClient vera = new WebClient(server);
        vera.signIn("vera", "password-vera");
        assertThat(vera.get("/dashboard/stats?of=app:acme/tiny").body()).contains("<strong>1</strong> downloads");
        WebClient otto = new WebClient(server);
        otto.signIn("otto", "password-otto");
        assertThat(otto.get("/dashboard/stats?of=app:acme/tiny").statusCode()).isEqualTo(404);
    }
}
