package dev.depot.repository;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Aptoide's listRepositoryChange (seed 001), in JSON and XML, every case and error, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AptoideApiTest {
    @Parameter
    Backend backend;
    TestServer server;
    AppFixture f;
    String oldHashA;
    String currentA;
    String currentB;
    String unknown = "ab".repeat(32);
    static final String BASE = "/webservices/listRepositoryChange";

    @BeforeParameterizedClassInvocation
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        server = TestServer.start(backend);
        f = new AppFixture(server);
        String a2dp = f.uploadAndWaitQuietly("apps/a2dp.Vol_137.apk");
        String jamendo = f.uploadAndWaitQuietly("apps/com.teleca.jamendo_35.apk");
        String polite = f.uploadAndWaitQuietly("apps/com.politedroid_4.apk");
        for (String name : new String[] {"a-repo", "another-repo", "yet-another-repo"}) {
            ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"" + name + "\"}", bearer(f.maintainer)));
        }
        publish("a-repo", a2dp);
        oldHashA = hash("a-repo");
        publish("a-repo", jamendo);
        publish("a-repo", polite);
        ok(server.send("DELETE", "/v1/organizations/acme/repositories/a-repo/builds/" + a2dp, null, bearer(f.maintainer)));
        currentA = hash("a-repo");
        publish("another-repo", a2dp);
        publish("another-repo", jamendo);
        currentB = hash("another-repo");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void publish(String repo, String build) {
        ok(server.postJson("/v1/organizations/acme/repositories/" + repo + "/builds", "{\"buildId\":\"" + build + "\"}",
                bearer(f.maintainer)));
    }

    private String hash(String repo) {
        return ok(server.get("/v1/repositories/" + repo)).get("hash").asText();
    }

    private String yetHash() {
        return hash("yet-another-repo");
    }

    private JsonNode json(String query) {
        HttpResponse<String> r = server.get(BASE + query);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return Json.parse(r.body());
    }

    @Test
    void jsonAnswersLikeTheSeed() {
        JsonNode r = json("?repo=a-repo,another-repo,yet-another-repo&hash=" + oldHashA + "," + unknown + "," + yetHash()
                + "&mode=json");

        assertThat(r).isEqualTo(Json.parse("""
                {"status":"OK","listing":[
                  {"repo":"a-repo","hasupdates":"TRUE","added":2,"removed":1},
                  {"repo":"another-repo","hasupdates":"TRUE","appscount":2},
                  {"repo":"yet-another-repo","hasupdates":"FALSE"}]}"""));
    }

    @Test
    void xmlAnswersLikeTheSeed() {
        HttpResponse<String> r = server.get(BASE + "?repo=a-repo,another-repo,yet-another-repo&hash=" + oldHashA + ","
                + unknown + "," + yetHash() + "&mode=xml");

        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
        assertThat(r.body().replaceAll("\\s+", "")).isEqualTo(("""
                <?xml version="1.0" encoding="UTF-8"?>
                <response>
                   <status>OK</status>
                   <listing>
                      <entry><repo>a-repo</repo><hasupdates>TRUE</hasupdates><added>2</added><removed>1</removed></entry>
                      <entry><repo>another-repo</repo><hasupdates>TRUE</hasupdates><appscount>2</appscount></entry>
                      <entry><repo>yet-another-repo</repo><hasupdates>FALSE</hasupdates></entry>
                   </listing>
                </response>""").replaceAll("\\s+", ""));
    }

    @Test
    void theCurrentHashHasNoUpdatesAndNoCounts() {
        JsonNode e = json("?repo=a-repo&hash=" + currentA).get("listing").get(0);
        assertThat(e.has("added")).isFalse();
        assertThat(e.has("appscount")).isFalse();
        assertThat(e.get("hasupdates").asText()).isEqualTo("FALSE");
    }

    @Test
    void modeDefaultsToJsonAndHashesAreCaseInsensitive() {
        assertThat(json("?repo=another-repo&hash=" + currentB.toUpperCase()).get("listing").get(0).get("hasupdates").asText())
                .isEqualTo("FALSE");
    }

    @Test
    void postFormAndPathFormAnswerTheSame() {
        String expected = json("?repo=a-repo,another-repo&hash=" + oldHashA + "," + currentB + "&mode=json").toString();
        HttpResponse<String> post = server.postForm(BASE, Map.of("repo", "a-repo,another-repo", "hash", oldHashA + "," + currentB,
                "mode", "json"));
        assertThat(Json.parse(post.body()).toString()).isEqualTo(expected);
        assertThat(Json.parse(server.get(BASE + "/a-repo,another-repo/" + oldHashA + "," + currentB + "/json").body()).toString())
                .isEqualTo(expected);
        assertThat(server.get(BASE + "/a-repo/" + oldHashA + "/xml").body()).contains("<added>2</added>");
    }

    @Test
    void offsetSkipsListingEntries() {
        String q = "?repo=a-repo,another-repo,yet-another-repo&hash=" + oldHashA + "," + unknown + "," + yetHash();
        assertThat(json(q + "&offset=1").get("listing")).extracting(n -> n.get("repo").asText())
                .containsExactly("another-repo", "yet-another-repo");
        JsonNode past = json(q + "&offset=3");
        assertThat(past.get("status").asText()).isEqualTo("OK");
        assertThat(past.get("listing")).isEmpty();
    }

    private void assertFail(JsonNode r, String error) {
        assertThat(r.get("status").asText()).isEqualTo("FAIL");
        assertThat(r.has("listing")).isFalse();
        assertThat(r.get("errors")).extracting(JsonNode::asText).anySatisfy(e -> assertThat(e).contains(error));
    }

    @Test
    void errorsFailWithAList() {
        assertFail(json("?hash=" + currentA), "Missing argument: repo");
        assertFail(json("?repo=a-repo"), "Missing argument: hash");
        assertFail(json("?repo=a-repo,another-repo&hash=" + currentA), "does not match the number of repositories");
        assertFail(json("?repo=a-repo&hash=" + currentA + "," + currentB), "does not match the number of repositories");
        assertFail(json("?repo=a-repo&hash=" + currentA + "&mode=yaml"), "Unknown mode 'yaml'");
        assertFail(json("?repo=a-repo,ghost-repo&hash=" + currentA + "," + unknown), "Unknown repository: ghost-repo");
        assertFail(json("?repo=a-repo&hash=abc"), "Invalid hash for repository a-repo");
        assertFail(json("?repo=a-repo&hash=" + "zz".repeat(32)), "Invalid hash for repository a-repo");
        assertFail(json("?repo=a-repo&hash=" + currentA + "&offset=-1"), "Invalid offset");
        assertFail(json("?repo=a-repo&hash=" + currentA + "&offset=x"), "Invalid offset");
    }

    @Test
    void errorsFailWithAListInXmlToo() {
        String[][] cases = {
            {"?hash=" + currentA, "Missing argument: repo"},
            {"?repo=a-repo", "Missing argument: hash"},
            {"?repo=a-repo,another-repo&hash=" + currentA, "does not match the number of repositories"},
            {"?repo=a-repo,ghost-repo&hash=" + currentA + "," + unknown, "Unknown repository: ghost-repo"},
            {"?repo=a-repo&hash=abc", "Invalid hash for repository a-repo"},
            {"?repo=a-repo&hash=" + currentA + "&offset=-1", "Invalid offset"}};
        for (String[] c : cases) {
            HttpResponse<String> r = server.get(BASE + c[0] + "&mode=xml");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
            String body = r.body().replaceAll("\\s+", " ");
            assertThat(body).as(c[0]).contains("<status>FAIL</status>").contains("<errors> <entry>")
                    .contains(c[1]).doesNotContain("<listing>");
        }
        assertThat(server.get(BASE + "?repo=a-repo&hash=" + currentA + "&offset=9&mode=xml").body().replaceAll("\\s+", ""))
                .contains("<status>OK</status><listing></listing>");
    }

    @Test
    void tenThousandRepositoriesAreRefusedClearly() {
        String repos = IntStream.range(0, 10_000).mapToObj(i -> "r" + i).collect(Collectors.joining(","));
        String hashes = IntStream.range(0, 10_000).mapToObj(i -> unknown).collect(Collectors.joining(","));
        HttpResponse<String> r = server.postForm(BASE, Map.of("repo", repos, "hash", hashes));
        assertThat(r.statusCode()).isEqualTo(200);
        assertFail(Json.parse(r.body()), "Too many repositories: at most 100 per request");
    }

    @Test
    void xmlMetacharactersInRepositoryNamesAreEscaped() {
        HttpResponse<String> r = server.get(BASE + "?repo=%3Cb%3E%26x&hash=" + unknown + "&mode=xml");
        assertThat(r.body()).contains("<status>FAIL</status>").contains("Unknown repository: &lt;b&gt;&amp;x")
                .doesNotContain("<b>&x");
    }
}
