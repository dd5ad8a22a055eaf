package dev.depot.api;

import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Controlled releases of ROM builds over HTTP, on both databases: the LineageOS updater's answer
 * as channels and releases change it (and unchanged while there are none), the native update
 * check, an installation's token and reports, and a release halting itself.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ReleaseApiTest {
    private static final String UPDATER = "/api/v1/updater/los/sunfish/gapps/";
    private static final String RELEASES = "/v1/devices/sunfish/releases";

    @Parameter
    Backend backend;
    TestServer server;
    OtaFixture f;
    long april;
    long may;

    @BeforeEach
    void start() {
        server = TestServer.start(backend);
        f = new OtaFixture(server);
        april = f.upload("Bliss-v15.7-sunfish-OFFICIAL-gapps-20240401.zip", OtaFixture.randomBytes(1500, 1));
        may = f.upload("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", OtaFixture.randomBytes(2500, 2));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode ok(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("status").asBoolean()).isTrue();
        return body.get("data");
    }

    private long release(String channel, long build, String percentage) {
        return ok(server.postJson(RELEASES, "{\"channel\":\"" + channel + "\",\"build\":" + build + ",\"percentage\":"
                + percentage + "}", auth(f.maintainerToken)), 201).get("id").asLong();
    }

    private List<Long> listed(String query) {
        HttpResponse<String> r = server.get(UPDATER + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Long> sizes = new ArrayList<>();
        for (JsonNode e : Json.parse(r.body()).get("response")) {
            sizes.add(e.get("size").asLong());
        }
        return sizes;
    }

    @Test
    void theUpdaterAnswerIsByteIdenticalUntilADeviceHasARelease() {
        String before = server.get(UPDATER).body();
        ok(server.send("PUT", "/v1/devices/sunfish/channels/stable", "{\"default\":true}", auth(f.maintainerToken)), 200);
        assertThat(server.get(UPDATER).body()).isEqualTo(before);
        assertThat(server.get(UPDATER + "?channel=beta&installation=phone-1").body())
                .as("a device without releases offers every published build, whatever channel is asked").isEqualTo(before);

        release("stable", april, "100");
        assertThat(listed("")).as("only stable's release, the April build").containsExactly(1500L);
    }

    @Test
    void aPhoneOnBetaIsOfferedTheNewestOfBetaAndStable() {
        release("stable", april, "100");
        release("beta", may, "100");

        assertThat(listed("")).containsExactly(1500L);
        assertThat(listed("?channel=beta")).containsExactly(2500L, 1500L);
        HttpResponse<String> unknown = server.get(UPDATER + "?channel=canary");
        assertThat(unknown.statusCode()).isEqualTo(404);

        JsonNode check = ok(server.get("/v1/devices/sunfish/update?variant=gapps&channel=beta&installation=phone-1"), 200);
        assertThat(check.get("channel").asText()).isEqualTo("beta");
        assertThat(check.get("update").get("buildId").asLong()).isEqualTo(may);
        assertThat(check.get("update").get("release").get("channel").asText()).isEqualTo("beta");
        long mayDatetime = check.get("update").get("datetime").asLong();
        JsonNode upToDate = ok(server.get("/v1/devices/sunfish/update?variant=gapps&channel=beta&installation=phone-1&datetime="
                + mayDatetime), 200);
        assertThat(upToDate.get("update").isNull()).as("nothing newer than what it runs").isTrue();
        JsonNode noDowngrade = ok(server.get("/v1/devices/sunfish/update?variant=gapps&installation=phone-1&datetime="
                + mayDatetime), 200);
        assertThat(noDowngrade.get("update").isNull()).as("stable's older build is no update for a phone on May's").isTrue();

        JsonNode installations = ok(server.get("/v1/devices/sunfish/installations", auth(f.maintainerToken)), 200);
        assertThat(installations).extracting(i -> i.get("id").asText()).containsExactly("phone-1");
    }

    @Test
    void aStagedReleaseReachesAShareOfPhonesAndRaisingItOnlyAddsPhones() {
        release("stable", april, "100");
        long staged = release("stable", may, "30");
        List<String> reached = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            if (listed("?installation=phone-" + i).getFirst() == 2500L) {
                reached.add("phone-" + i);
            }
        }
        assertThat(reached.size()).isBetween(6, 34);
        ok(server.postJson(RELEASES + "/" + staged + "/rollout", "{\"percentage\":\"60\"}", auth(f.maintainerToken)), 200);
        for (String phone : reached) {
            assertThat(listed("?installation=" + phone).getFirst()).as(phone).isEqualTo(2500L);
        }
        ok(server.postJson(RELEASES + "/" + staged + "/rollback", "{}", auth(f.maintainerToken)), 200);
        for (String phone : reached) {
            assertThat(listed("?installation=" + phone)).as(phone).containsExactly(1500L);
        }
    }

    @Test
    void reportsCarryTheInstallationsTokenAndFailuresHaltTheRelease() {
        release("stable", april, "100");
        long bad = ok(server.postJson(RELEASES, "{\"channel\":\"stable\",\"build\":" + may
                + ",\"percentage\":100,\"failureThreshold\":5,\"minFinished\":4}", auth(f.maintainerToken)), 201).get("id").asLong();
        String report = "{\"release\":" + bad + ",\"step\":\"failed\",\"reason\":\"install_failed\",\"message\":\"E: footer is wrong\"}";

        HttpResponse<String> anonymous = server.postJson("/v1/devices/sunfish/installations/phone-0/reports", report);
        assertThat(anonymous.statusCode()).as("an installation nobody registered").isEqualTo(401);
        for (int i = 0; i < 4; i++) {
            String phone = "phone-" + i;
            String token = ok(server.postJson("/v1/devices/sunfish/installations/" + phone + "/token", "{}"), 201)
                    .get("token").asText();
            assertThat(server.postJson("/v1/devices/sunfish/installations/" + phone + "/token", "{}").statusCode())
                    .as("a token is handed out once").isEqualTo(409);
            HttpResponse<String> wrong = server.postJson("/v1/devices/sunfish/installations/" + phone + "/reports", report,
                    "Depot-Installation-Token", token + "x");
            assertThat(wrong.statusCode()).isEqualTo(401);
            JsonNode standing = ok(server.postJson("/v1/devices/sunfish/installations/" + phone + "/reports", report,
                    "Depot-Installation-Token", token), 200);
            assertThat(standing.get("failed").asBoolean()).isTrue();
        }

        JsonNode status = ok(server.get(RELEASES + "/" + bad, auth(f.maintainerToken)), 200);
        assertThat(status.get("state").asText()).isEqualTo("halted");
        assertThat(status.get("haltReason").asText()).startsWith("4 of 4 finished installs failed");
        assertThat(status.get("funnel").get("failed").asLong()).isEqualTo(4);
        assertThat(status.get("failures").get(0).get("reason").asText()).isEqualTo("install_failed");
        assertThat(status.get("events")).extracting(e -> e.get("kind").asText()).containsExactly("created", "halted");
        assertThat(listed("?installation=new-phone")).as("halted: offered to no new phone").containsExactly(1500L);

        HttpResponse<String> outsider = server.postJson(RELEASES + "/" + bad + "/resume", "{}", auth(f.outsiderToken));
        assertThat(outsider.statusCode()).isEqualTo(403);
        ok(server.postJson(RELEASES + "/" + bad + "/resume", "{}", auth(f.maintainerToken)), 200);
        assertThat(listed("?installation=new-phone")).containsExactly(2500L);
        assertThat(listed("?installation=phone-0")).as("failed phones wait to be cleared").containsExactly(1500L);
        assertThat(ok(server.postJson(RELEASES + "/" + bad + "/failures/clear", "{}", auth(f.maintainerToken)), 200)
                .get("cleared").asInt()).isEqualTo(4);
        assertThat(listed("?installation=phone-0")).containsExactly(2500L);
    }

    @Test
    void channelsReleaseRulesAndAnInstallationsChannelAreManaged() {
        JsonNode canary = ok(server.send("PUT", "/v1/devices/sunfish/channels/canary", "{\"stability\":5}",
                auth(f.maintainerToken)), 200);
        assertThat(canary.get("stability").asInt()).isEqualTo(5);
        assertThat(canary.get("default").asBoolean()).as("the first channel is the default").isTrue();
        ok(server.send("PUT", "/v1/devices/sunfish/channels/stable", "{\"stability\":0,\"default\":true}",
                auth(f.maintainerToken)), 200);
        JsonNode channels = ok(server.get("/v1/devices/sunfish/channels", auth(f.maintainerToken)), 200);
        assertThat(channels).extracting(c -> c.get("name").asText() + ":" + c.get("default").asBoolean())
                .containsExactly("stable:true", "canary:false");

        long r = release("canary", may, "100");
        JsonNode configured = ok(server.send("PATCH", RELEASES + "/" + r, "{\"failureThreshold\":\"2.5\",\"minFinished\":50}",
                auth(f.maintainerToken)), 200);
        assertThat(configured.get("failureThreshold").asDouble()).isEqualTo(2.5);
        assertThat(configured.get("minFinished").asInt()).isEqualTo(50);

        assertThat(server.get(UPDATER + "?installation=phone-1").statusCode()).as("the default channel has no release yet")
                .isEqualTo(404);
        ok(server.send("PATCH", "/v1/devices/sunfish/installations/phone-1", "{\"channel\":\"canary\"}",
                auth(f.maintainerToken)), 200);
        JsonNode installation = ok(server.get("/v1/devices/sunfish/installations/phone-1", auth(f.maintainerToken)), 200);
        assertThat(installation.get("channel").asText()).isEqualTo("canary");
        assertThat(server.send("PATCH", "/v1/devices/sunfish/installations/phone-1", "{\"channel\":\"nope\"}",
                auth(f.maintainerToken)).statusCode()).isEqualTo(404);
    }

    @Test
    void releasesUnderWayAreMetrics() {
        long staged = release("stable", may, "30");
        String metrics = server.get("/metrics").body();
        String tags = "{channel=\"stable\",release=\"" + staged + "\",target=\"device/sunfish\"}";
        assertThat(metrics).contains("depot_release_percentage" + tags + " 30.0")
                .contains("depot_release_halted" + tags + " 0.0")
                .contains("depot_release_installations{channel=\"stable\",release=\"" + staged
                        + "\",step=\"installed\",target=\"device/sunfish\"} 0.0");
    }

    @Test
    void badRequestsGetAPreciseRefusal() {
        assertThat(server.postJson(RELEASES, "{\"channel\":\"stable\",\"build\":" + april + ",\"percentage\":101}",
                auth(f.maintainerToken)).statusCode()).isEqualTo(400);
        for (String bad : new String[] {"\"minFinished\":0", "\"minFinished\":\"many\"", "\"failureThreshold\":-1"}) {
            HttpResponse<String> r = server.postJson(RELEASES, "{\"channel\":\"stable\",\"build\":" + april + "," + bad + "}",
                    auth(f.maintainerToken));
            assertThat(r.statusCode()).as(bad + ": " + r.body()).isEqualTo(400);
        }
        assertThat(server.postJson(RELEASES, "{\"channel\":\"Stable!\",\"build\":" + april + "}",
                auth(f.maintainerToken)).statusCode()).isEqualTo(400);
        assertThat(server.postJson(RELEASES, "{\"channel\":\"stable\",\"build\":99999}",
                auth(f.maintainerToken)).statusCode()).isEqualTo(404);
        assertThat(server.postJson(RELEASES, "{\"channel\":\"stable\",\"build\":" + april + "}",
                auth(f.outsiderToken)).statusCode()).isEqualTo(403);
        assertThat(server.postJson(RELEASES, "{\"channel\":\"stable\",\"build\":" + april + "}").statusCode()).isEqualTo(401);
        assertThat(server.get(RELEASES + "/12345", auth(f.maintainerToken)).statusCode()).isEqualTo(404);
        long id = release("stable", april, "100");
        assertThat(server.postJson(RELEASES + "/" + id + "/resume", "{}", auth(f.maintainerToken)).statusCode())
                .as("a rolling release cannot be resumed").isEqualTo(409);
        assertThat(server.get("/v1/devices/sunfish/update?variant=gapps&installation=" + "x".repeat(200)).statusCode())
                .isEqualTo(400);
    }
}
