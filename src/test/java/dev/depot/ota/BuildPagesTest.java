package dev.depot.ota;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.config.Setting;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.RomDevice;
import dev.depot.support.Seed;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lists that grow with history answer a bounded page: the update check lists the newest
 * {@code updater.max-builds}, the native API pages builds by {@code before}/{@code limit} with a
 * {@code Link} to the next page, and the device, home and dashboard pages show a page with a link
 * on. Walking the pages visits every item once, newest first.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class BuildPagesTest {
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    @Parameter
    Backend backend;
    TestServer server;
    RomDevice device;
    OtaBuild newest;

    @BeforeEach
    void start() {
        server = TestServer.start(backend, Map.of(Setting.UPDATER_MAX_BUILDS, "7"));
        device = new RomDevice(server);
        newest = device.published("Bliss-v15.9-sunfish-OFFICIAL-gapps-20240601.zip", 1);
        Seed.romBuilds(jdbi(), newest, "older", 44); // 45 published builds, one a day
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Jdbi jdbi() {
        return server.depot().database().jdbi();
    }

    @Test
    void theUpdateCheckListsTheNewestBuildsUpToTheLimit() {
        HttpResponse<String> r = server.get("/api/v1/updater/los/sunfish/gapps");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode builds = Json.parse(r.body()).get("response");
        assertThat(builds).hasSize(7);
        assertThat(builds.get(0).get("filename").asText()).isEqualTo("Bliss-v15.9-sunfish-OFFICIAL-gapps-20240601.zip");
        assertThat(builds.get(6).get("datetime").asLong()).isLessThan(builds.get(0).get("datetime").asLong());
        JsonNode latest = Json.parse(server.get("/api/v1/general/build/latest/sunfish/gapps").body());
        assertThat(latest.get("sha256").asText()).isEqualTo(newest.sha256());
    }

    @Test
    void theNativeApiPagesADevicesBuildsWithALinkToTheNext() {
        List<String> seen = new ArrayList<>();
        String path = "/v1/devices/sunfish/builds?limit=20";
        int pages = 0;
        while (path != null) {
            HttpResponse<String> r = server.get(path, AppFixture.bearer(device.token));
            JsonNode data = AppFixture.ok(r);
            assertThat(data.size()).isLessThanOrEqualTo(20);
            data.forEach(b -> seen.add(b.get("fileName").asText()));
            path = r.headers().firstValue("Link").map(BuildPagesTest::next).orElse(null);
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(45).doesNotHaveDuplicates().startsWith("Bliss-v15.9-sunfish-OFFICIAL-gapps-20240601.zip",
                "older-0.zip", "older-1.zip").endsWith("older-43.zip");
        assertThat(AppFixture.ok(server.get("/v1/devices/sunfish/builds", AppFixture.bearer(device.token)))).as("50 unless asked").hasSize(45);
    }

    @Test
    void aCursorThatNamesNoBuildOfTheListIsRefused() {
        server.depot().ota().devices().addDevice("bramble", "Pixel 4a 5G", "Google");
        for (String q : List.of("before=abc", "before=999999", "limit=x")) {
            HttpResponse<String> r = server.get("/v1/devices/sunfish/builds?" + q, AppFixture.bearer(device.token));
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(Json.parse(r.body()).get("error").get("code").asInt()).isEqualTo(4000);
        }
        HttpResponse<String> other = server.get("/v1/devices/bramble/builds?before=" + newest.id(), AppFixture.bearer(device.token));
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(AppFixture.ok(server.get("/v1/devices/sunfish/builds?limit=100000", AppFixture.bearer(device.token)))).hasSize(45);
        assertThat(AppFixture.ok(server.get("/v1/devices/sunfish/builds?limit=0", AppFixture.bearer(device.token)))).hasSize(1);
    }

    @Test
    void anAppsBuildsArePagedNewestFirst() {
        AppFixture f = new AppFixture(server);
        long id = Long.parseLong(f.uploadAndWaitQuietly("apps/com.politedroid_4.apk"));
        long app = jdbi().withHandle(h -> h.createQuery("SELECT app_id FROM builds WHERE id = :id").bind("id", id)
                .mapTo(Long.class).one());
        Seed.appBuilds(jdbi(), app, id, 120);
        List<Long> seen = new ArrayList<>();
        String path = "/v1/organizations/acme/apps/tiny/builds";
        while (path != null) {
            HttpResponse<String> r = server.get(path, AppFixture.bearer(f.viewer));
            AppFixture.ok(r).forEach(b -> seen.add(b.get("id").asLong()));
            path = r.headers().firstValue("Link").map(BuildPagesTest::next).orElse(null);
        }
        assertThat(seen).hasSize(121).doesNotHaveDuplicates().startsWith(id);
        assertThat(server.get("/v1/organizations/acme/apps/tiny/builds?before=" + newest.id(), AppFixture.bearer(f.viewer)).statusCode())
                .as("a ROM build is no build of the app").isEqualTo(400);
    }

    @Test
    void theDevicePageShowsAPageOfEachVariantAndLinksToOlderBuilds() {
        String page = server.get("/devices/sunfish").body();
        assertThat(rows(page)).isEqualTo(20);
        Matcher older = Pattern.compile("href=\"(/devices/sunfish\\?variant=gapps&amp;before=\\d+)\"").matcher(page);
        assertThat(older.find()).as(page).isTrue();
        int total = 20;
        String link = older.group(1).replace("&amp;", "&");
        while (link != null) {
            String next = server.get(link).body();
            total += rows(next);
            Matcher m = Pattern.compile("href=\"(/devices/sunfish\\?variant=gapps&amp;before=\\d+)\"").matcher(next);
            link = m.find() ? m.group(1).replace("&amp;", "&") : null;
        }
        assertThat(total).isEqualTo(45);
    }

    @Test
    void theHomePageListsAPageOfDevicesAndCountsOnlyThose() {
        Seed.devices(jdbi(), "phone", "Acme", 120);
        String first = server.get("/").body();
        assertThat(count(first, "<li>")).isEqualTo(50);
        assertThat(first).contains("Acme Phone 0").contains("href=\"/?page=2\"").doesNotContain("rel=\"prev\"");
        String third = server.get("/?page=3").body();
        assertThat(third).contains("Google Pixel 4a").contains("45 builds").doesNotContain("href=\"/?page=4\"");
        assertThat(count(third, "<li>")).isEqualTo(21);
        assertThat(server.get("/?q=PHONE_1").body()).contains("No device matches."); // '_' is no wildcard
        assertThat(count(server.get("/?q=phone%2011").body(), "<li>")).isEqualTo(11); // 11, 110..119
    }

    @Test
    void theStatsPageSuggestsABoundedNumberOfChoicesAndTakesATypedOne() {
        Seed.devices(jdbi(), "phone", "Acme", 150);
        server.userWithToken("root", true, dev.depot.auth.Scope.ADMIN);
        dev.depot.support.WebClient admin = new dev.depot.support.WebClient(server);
        admin.signIn("root", "password-root");
        String page = admin.get("/dashboard/stats").body();
        assertThat(page).contains("<datalist id=\"stats-choices\">").doesNotContain("<select name=\"of\"");
        assertThat(count(page, "<option")).isLessThanOrEqualTo(101);
        HttpResponse<String> typed = admin.get("/dashboard/stats?of=device:phone149");
        assertThat(typed.statusCode()).isEqualTo(200);
        assertThat(typed.body()).contains("value=\"device:phone149\"");
        assertThat(admin.get("/dashboard/stats?of=device:nothing").statusCode()).isEqualTo(404);
    }

    private static int rows(String html) {
        return count(html, "<tr>") - 1; // the head's row
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String next(String link) {
        Matcher m = NEXT.matcher(link);
        assertThat(m.find()).as(link).isTrue();
        return m.group(1);
    }
}
