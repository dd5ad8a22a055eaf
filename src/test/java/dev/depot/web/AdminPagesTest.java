package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.api.Access;
import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import dev.depot.support.WebClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The admin pages over HTTP on both databases: who may reach them, and that each form does what the API does. */
@ParameterizedClass
@EnumSource(Backend.class)
class AdminPagesTest {
    private static final Pattern SECRET = Pattern.compile("<code id=\"issued-token\">(dpt_[A-Za-z0-9_-]+)</code>");

    @Parameter
    Backend backend;

    private TestServer server;
    private WebClient admin;

    @BeforeEach
    void start() {
        server = TestServer.start(backend);
        new OtaFixture(server);
        admin = new WebClient(server);
        admin.signIn("root", "password-root");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void noAdminPageOrFormIsOpenToOthers() {
        WebClient maint = new WebClient(server);
        maint.signIn("maint", "password-maint");
        List<dev.depot.api.RouteTable.Route> adminRoutes = server.server().routes().stream()
                .filter(r -> r.access() == Access.SIGNED_IN_ADMIN).toList();
        assertThat(adminRoutes).hasSizeGreaterThan(15);
        for (var r : adminRoutes) {
            String path = r.path().replace("{username}", "maint").replace("{id}", "1").replace("{org}", "acme")
                    .replace("{codename}", "sunfish");
            HttpResponse<String> answer = r.method().name().equals("GET") ? maint.get(path) : maint.post(path, Map.of("username", "maint"));
            assertThat(answer.statusCode()).as(r.method() + " " + path).isEqualTo(403);
            assertThat(answer.body()).contains("This page is for admins.");
        }
        assertThat(server.get("/admin").statusCode()).as("no session: sign in first").isEqualTo(303);
        assertThat(maint.get("/").body()).doesNotContain("href=\"/admin\"");
        assertThat(admin.get("/").body()).contains("href=\"/admin\"");
        assertThat(server.depot().auth().requireUser("maint").admin()).isFalse();
    }

    @Test
    void tokensAreShownOnceWorkAndCanBeRevoked() {
        assertThat(admin.post("/admin/users", Map.of("username", "ci-bot", "password", "a-long-password")).statusCode()).isEqualTo(303);
        assertThat(admin.post("/admin/users", Map.of("username", "weak", "password", "short")).statusCode()).isEqualTo(400);
        assertThat(admin.post("/admin/users", Map.of("username", "ci-bot", "password", "a-long-password")).statusCode()).isEqualTo(409);

        HttpResponse<String> created = postMulti("/admin/users/ci-bot/tokens", List.of(
                Map.entry("name", "deploy"), Map.entry("scope", "read"), Map.entry("scope", "upload"), Map.entry("expires", "30d")));
        assertThat(created.statusCode()).as("redirected, so a reload makes no second token").isEqualTo(303);
        assertThat(created.headers().firstValue("Location")).contains("/admin/users/ci-bot");
        String carried = WebClient.setCookie(created, "depot_issued").orElseThrow();
        assertThat(carried).contains("HttpOnly", "SameSite=Strict", "Path=/admin/users/ci-bot", "Max-Age=60");
        HttpResponse<String> shown = server.get("/admin/users/ci-bot", "Cookie",
                "depot_session=" + admin.session() + "; depot_issued=" + WebClient.cookie(created, "depot_issued"));
        assertThat(shown.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(WebClient.setCookie(shown, "depot_issued").orElseThrow()).as("read once").contains("Expires=Thu, 01 Jan 1970");
        Matcher m = SECRET.matcher(shown.body());
        assertThat(m.find()).as(shown.body()).isTrue();
        String secret = m.group(1);
        assertThat(shown.body()).contains("deploy", "read,upload");

        HttpResponse<String> me = server.get("/v1/me", TestServer.auth(secret));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"username\":\"ci-bot\"", "\"scopes\":[\"read\",\"upload\"]");
        String page = admin.get("/admin/users/ci-bot").body();
        assertThat(page).as("never shown again").doesNotContain(secret).contains("deploy");
        Long stored = server.depot().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM api_tokens WHERE token_hash = :s OR name = :s").bind("s", secret).mapTo(Long.class).one());
        assertThat(stored).as("only the hash is kept").isZero();

        assertThat(postMulti("/admin/users/ci-bot/tokens", List.of(Map.entry("name", "x"), Map.entry("scope", "admin"))).statusCode())
                .as("only admins hold the admin scope").isEqualTo(403);
        assertThat(postMulti("/admin/users/ci-bot/tokens", List.of(Map.entry("name", "x"))).statusCode()).isEqualTo(400);
        assertThat(postMulti("/admin/users/ci-bot/tokens", List.of(Map.entry("name", "Web Session"), Map.entry("scope", "read"))).statusCode())
                .as("the name of sign-in tokens is reserved (ended ones are deleted by it)").isEqualTo(400);

        long id = server.depot().auth().listTokens("ci-bot").getFirst().id();
        assertThat(admin.post("/admin/users/maint/tokens/" + id + "/revoke", Map.of()).statusCode())
                .as("a token is revoked under its own user").isEqualTo(404);
        assertThat(admin.post("/admin/users/ci-bot/tokens/" + id + "/revoke", Map.of()).statusCode()).isEqualTo(303);
        assertThat(server.get("/v1/me", TestServer.auth(secret)).statusCode()).isEqualTo(401);
        assertThat(admin.get("/admin/users/ci-bot").body()).contains("revoked");
    }

    @Test
    void accessOrganizationsDevicesAndRepositories() {
        assertThat(admin.post("/admin/users/maint/access", Map.of("active", "on")).statusCode()).isEqualTo(303);
        assertThat(admin.post("/admin/users/root/access", Map.of("active", "on")).statusCode()).as("the last admin stays").isEqualTo(400);
        assertThat(server.depot().auth().requireUser("root").admin()).isTrue();

        assertThat(admin.post("/admin/organizations", Map.of("slug", "acme", "name", "Acme", "owner", "maint")).statusCode()).isEqualTo(303);
        assertThat(admin.post("/admin/organizations/acme/members", Map.of("username", "outsider", "role", "viewer")).statusCode()).isEqualTo(303);
        assertThat(admin.post("/admin/organizations/acme/members", Map.of("username", "outsider", "role", "emperor")).statusCode()).isEqualTo(400);
        String orgs = admin.get("/admin/organizations").body();
        assertThat(orgs).contains("<code>acme</code>", "<td>outsider</td><td>viewer</td>", "<td>maint</td><td>owner</td>");
        assertThat(admin.post("/admin/organizations/acme/members/maint/remove", Map.of()).statusCode()).as("last owner").isEqualTo(400);
        assertThat(admin.post("/admin/organizations/acme/members/outsider/remove", Map.of()).statusCode()).isEqualTo(303);

        assertThat(admin.post("/admin/devices", Map.of("codename", "oriole", "name", "Pixel 6", "manufacturer", "Google")).statusCode()).isEqualTo(303);
        assertThat(admin.post("/admin/devices/oriole/maintainers", Map.of("username", "outsider")).statusCode()).isEqualTo(303);
        assertThat(admin.post("/admin/devices/oriole", Map.of("visible", "on")).statusCode()).as("no longer maintained").isEqualTo(303);
        assertThat(server.depot().ota().devices().requireDevice("oriole").maintained()).isFalse();
        assertThat(server.depot().ota().devices().mayUploadFor(server.depot().auth().authenticate(
                server.userWithToken("outsider", false, dev.depot.auth.Scope.READ)), server.depot().ota().devices().requireDevice("oriole"))).isTrue();
        assertThat(admin.get("/admin/devices").body()).contains("oriole", "outsider");
        assertThat(admin.post("/admin/variants", Map.of("codename", "microg", "description", "With microG")).statusCode()).isEqualTo(303);
        assertThat(server.depot().ota().devices().variants()).extracting(v -> v.codename()).contains("microg");
        assertThat(admin.post("/admin/rules", Map.of("pattern", "(unclosed", "allowedVersions", "*")).statusCode())
                .as("a broken pattern is refused, not stored").isEqualTo(400);

        assertThat(admin.post("/admin/repositories", Map.of("organization", "acme", "name", "stable", "title", "Acme <Stable>")).statusCode())
                .isEqualTo(303);
        assertThat(admin.get("/admin/repositories").body()).contains("Acme &lt;Stable&gt;", "/repositories/stable");
        assertThat(admin.post("/admin/repositories", Map.of("organization", "acme", "name", "Bad Name")).statusCode()).isEqualTo(400);
        assertThat(admin.get("/admin").body()).contains("APK feed", "<dt>Samples available</dt><dd>0 in 0 five-minute packages")
                .containsPattern("<dt>Latest package</dt><dd><code>\\d{8}T\\d{4}</code>");
    }

    @Test
    void emptyOrMalformedFormsGetAClearErrorNeverA500() {
        for (var r : server.server().routes()) {
            if (!r.access().page() || r.method().name().equals("GET") || r.path().equals("/logout")) {
                continue;
            }
            String path = r.path().replace("{username}", "nobody").replace("{id}", "x").replace("{org}", "nope")
                    .replace("{codename}", "nope").replace("{app}", "nope").replace("{action}", "disable");
            HttpResponse<String> empty = admin.post(path, Map.of());
            assertThat(empty.statusCode()).as("POST " + path + ": " + empty.body()).isBetween(300, 499);
            HttpResponse<String> odd = admin.post(path, Map.of("username", "\u0000<x>", "role", "", "note", "n", "scope", "nope",
                    "expires", "soon", "pattern", "", "codename", "../x", "name", "", "organization", "", "password", ""));
            assertThat(odd.statusCode()).as("POST " + path + ": " + odd.body()).isBetween(300, 499);
        }
        assertThat(server.depot().auth().findUser("")).isEmpty();
    }

    private HttpResponse<String> postMulti(String path, List<Map.Entry<String, String>> fields) {
        StringBuilder body = new StringBuilder("_csrf=" + admin.csrf());
        for (var e : fields) {
            body.append('&').append(e.getKey()).append('=').append(java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url(path)))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())),
                "Content-Type", "application/x-www-form-urlencoded", "Cookie", "depot_session=" + admin.session());
    }
}
