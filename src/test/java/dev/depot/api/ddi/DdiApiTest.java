package dev.depot.api.ddi;

import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * hawkBit's DDI API as Depot serves it, field by field, on both databases: authentication by
 * target and gateway tokens, polling, the deployment and its artifact (with ranges), feedback,
 * cancel actions and configData.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class DdiApiTest {
    private static final String CONTROLLER = "/sunfish/controller/v1/dev-1";

    @Parameter
    Backend backend;
    TestServer server;
    OtaFixture f;
    byte[] zip;
    long build;
    String target;

    @BeforeEach
    void start() {
        server = TestServer.start(backend, Map.of(Setting.DDI_POLLING, "90s"));
        f = new OtaFixture(server);
        zip = OtaFixture.randomBytes(3000, 5);
        build = f.upload("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", zip);
        target = Json.parse(server.postJson("/v1/devices/sunfish/installations/dev-1/target-token", "{}",
                auth(f.maintainerToken)).body()).get("data").get("token").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String[] targetToken() {
        return new String[] {"Authorization", "TargetToken " + target};
    }

    private JsonNode poll() {
        HttpResponse<String> r = server.get(CONTROLLER, targetToken());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    private long release() {
        return Json.parse(server.postJson("/v1/devices/sunfish/releases", "{\"channel\":\"stable\",\"build\":" + build + "}",
                auth(f.maintainerToken)).body()).get("data").get("id").asLong();
    }

    private HttpResponse<String> feedback(long action, String execution, String finished) {
        return server.postJson(CONTROLLER + "/deploymentBase/" + action + "/feedback", """
                {"id":"%d","status":{"execution":"%s","result":{"finished":"%s","progress":{"cnt":1,"of":1}},"details":["step done"]}}"""
                .formatted(action, execution, finished), targetToken());
    }

    private static String sha1(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
    }

    @Test
    void aControllerIsOfferedItsReleaseDownloadsItAndReportsIt() throws Exception {
        JsonNode idle = poll();
        assertThat(idle.get("config").get("polling").get("sleep").asText()).isEqualTo("00:01:30");
        assertThat(idle.get("_links").has("deploymentBase")).isFalse();
        assertThat(idle.get("_links").get("configData").get("href").asText()).endsWith(CONTROLLER + "/configData");

        long action = release();
        JsonNode base = poll();
        String href = base.get("_links").get("deploymentBase").get("href").asText();
        assertThat(href).isEqualTo(server.url(CONTROLLER + "/deploymentBase/" + action));

        JsonNode d = Json.parse(server.get(CONTROLLER + "/deploymentBase/" + action, targetToken()).body());
        assertThat(d.get("id").asText()).isEqualTo(Long.toString(action));
        assertThat(d.get("deployment").get("download").asText()).isEqualTo("forced");
        assertThat(d.get("deployment").get("update").asText()).isEqualTo("forced");
        JsonNode chunk = d.get("deployment").get("chunks").get(0);
        assertThat(chunk.get("part").asText()).isEqualTo("os");
        assertThat(chunk.get("version").asText()).isEqualTo("v15.8");
        JsonNode artifact = chunk.get("artifacts").get(0);
        assertThat(artifact.get("filename").asText()).isEqualTo("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip");
        assertThat(artifact.get("size").asLong()).isEqualTo(3000);
        assertThat(artifact.get("hashes").get("sha1").asText()).isEqualTo(sha1(zip));
        assertThat(artifact.get("hashes").get("sha256").asText()).isEqualTo(OtaFixture.sha256(zip));
        String download = artifact.get("_links").get("download-http").get("href").asText();
        assertThat(artifact.get("_links").get("download").get("href").asText()).isEqualTo(download);

        HttpResponse<byte[]> range = server.send(HttpRequest.newBuilder(URI.create(download))
                .header("Authorization", "TargetToken " + target).header("Range", "bytes=100-199").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(zip, 100, 200));
        HttpResponse<byte[]> anonymous = server.send(HttpRequest.newBuilder(URI.create(download)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        String module = CONTROLLER + "/softwaremodules/" + build + "/artifacts";
        JsonNode listed = Json.parse(server.get(module, targetToken()).body());
        assertThat(listed.get(0).get("filename").asText()).isEqualTo(artifact.get("filename").asText());
        assertThat(listed.get(0).get("hashes").get("sha1").asText()).isEqualTo(sha1(zip));
        HttpResponse<String> head = server.send(HttpRequest.newBuilder(URI.create(download))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), "Authorization", "TargetToken " + target);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(3000);
        assertThat(server.get(CONTROLLER + "/softwaremodules/" + build + "/artifacts/other.zip", targetToken()).statusCode())
                .isEqualTo(404);

        assertThat(feedback(action, "proceeding", "none").statusCode()).isEqualTo(200);
        assertThat(feedback(action, "closed", "success").statusCode()).isEqualTo(200);
        assertThat(poll().get("_links").has("deploymentBase")).as("installed: nothing more to do").isFalse();
        JsonNode status = Json.parse(server.get("/v1/devices/sunfish/releases/" + action, auth(f.maintainerToken)).body())
                .get("data");
        assertThat(status.get("funnel").get("offered").asLong()).isEqualTo(1);
        assertThat(status.get("funnel").get("installing").asLong()).isEqualTo(1);
        assertThat(status.get("funnel").get("installed").asLong()).isEqualTo(1);

        assertThat(server.send("PUT", CONTROLLER + "/configData", "{\"mode\":\"merge\",\"data\":{\"hwRevision\":\"1.0\"}}",
                targetToken()).statusCode()).isEqualTo(200);
        assertThat(poll().get("_links").has("configData")).isFalse();
    }

    @Test
    void aReleaseRolledBackWhileADeviceIsAtItBecomesACancelAction() {
        long action = release();
        server.get(CONTROLLER + "/deploymentBase/" + action, targetToken());
        feedback(action, "proceeding", "none");
        server.postJson("/v1/devices/sunfish/releases/" + action + "/rollback", "{}", auth(f.maintainerToken));

        JsonNode p = poll();
        assertThat(p.get("_links").has("deploymentBase")).isFalse();
        String cancel = p.get("_links").get("cancelAction").get("href").asText();
        JsonNode c = Json.parse(server.get(CONTROLLER + "/cancelAction/" + action, targetToken()).body());
        assertThat(cancel).endsWith(CONTROLLER + "/cancelAction/" + action);
        assertThat(c.get("id").asText()).isEqualTo(Long.toString(action));
        assertThat(c.get("cancelAction").get("stopId").asText()).isEqualTo(Long.toString(action));
        assertThat(server.postJson(CONTROLLER + "/cancelAction/" + action + "/feedback",
                "{\"id\":\"" + action + "\",\"status\":{\"execution\":\"closed\",\"result\":{\"finished\":\"success\"}}}",
                targetToken()).statusCode()).isEqualTo(200);
        assertThat(poll().get("_links").has("cancelAction")).isFalse();
    }

    @Test
    void controllersProveWhoTheyAreAndAGatewayTokenRegistersNewOnes() {
        assertThat(server.get(CONTROLLER).statusCode()).isEqualTo(401);
        assertThat(server.get(CONTROLLER, "Authorization", "TargetToken nope").statusCode()).isEqualTo(401);
        assertThat(server.get("/sunfish/controller/v1/dev-2", targetToken()).statusCode())
                .as("another controller's token").isEqualTo(401);
        assertThat(server.get("/nosuchdevice/controller/v1/dev-1", targetToken()).statusCode()).isEqualTo(404);
        HttpResponse<String> wrongAction = server.get(CONTROLLER + "/deploymentBase/999", targetToken());
        assertThat(wrongAction.statusCode()).isEqualTo(404);
        assertThat(Json.parse(wrongAction.body()).get("errorCode").asText()).isEqualTo("depot.unknown_action");

        String gateway = Json.parse(server.postJson("/v1/devices/sunfish/gateway-token", "{}", auth(f.maintainerToken)).body())
                .get("data").get("token").asText();
        assertThat(server.postJson("/v1/devices/sunfish/gateway-token", "{}", auth(f.outsiderToken)).statusCode()).isEqualTo(403);
        HttpResponse<String> fresh = server.get("/sunfish/controller/v1/gw-device-7", "Authorization", "GatewayToken " + gateway);
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        JsonNode installations = Json.parse(server.get("/v1/devices/sunfish/installations?search=gw-", auth(f.maintainerToken))
                .body()).get("data");
        assertThat(installations).extracting(i -> i.get("id").asText()).containsExactly("gw-device-7");
        assertThat(server.postJson(CONTROLLER + "/deploymentBase/1/feedback", "not json", targetToken()).statusCode())
                .isEqualTo(400);
    }
}
