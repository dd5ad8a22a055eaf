package dev.depot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Principal;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.TestServer;
import dev.depot.support.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** App builds on the dashboard: members see them, maintainers manage them, others see nothing. */
@ParameterizedClass
@EnumSource(Backend.class)
class DashboardAppsTest {
    @Parameter
    Backend backend;

    private TestServer server;
    private AppFixture f;
    private long build;

    @BeforeEach
    void start() {
        server = TestServer.start(backend);
        f = new AppFixture(server);
        build = Long.parseLong(f.uploadAndWaitQuietly("apps/com.politedroid_4.apk"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private boolean enabled() {
        return server.depot().catalog().builds().build(Principal.operator(), build).enabled();
    }

    @Test
    void maintainersManageAppBuildsAndViewersOnlyLook() {
        WebClient mark = new WebClient(server);
        mark.signIn("mark", "password-mark");
        assertThat(mark.get("/dashboard").body()).contains("/dashboard/apps/acme/tiny", "maintainer")
                .contains("<option value=\"app:acme/tiny\">").doesNotContain("globex");
        String page = mark.get("/dashboard/apps/acme/tiny").body();
        assertThat(page).contains("com.politedroid_4.apk", "Disable", "processed");

        HttpResponse<String> row = mark.post("/dashboard/apps/acme/tiny/builds/" + build + "/disable", Map.of(), "HX-Request", "true");
        assertThat(row.statusCode()).isEqualTo(200);
        assertThat(row.body()).contains("class=\"disabled\"", ">Enable</button>");
        assertThat(enabled()).isFalse();
        assertThat(mark.post("/dashboard/apps/acme/tiny/builds/" + build + "/changelog", Map.of("changelog", "Polite again")).statusCode())
                .isEqualTo(303);
        assertThat(server.depot().catalog().builds().build(Principal.operator(), build).changelog()).isEqualTo("Polite again");

        WebClient vera = new WebClient(server);
        vera.signIn("vera", "password-vera");
        assertThat(vera.get("/dashboard/apps/acme/tiny").statusCode()).isEqualTo(200);
        assertThat(vera.get("/dashboard").body()).as("a viewer cannot upload to the app").doesNotContain("app:acme/tiny");
        assertThat(vera.post("/dashboard/apps/acme/tiny/builds/" + build + "/enable", Map.of()).statusCode()).isEqualTo(403);
        assertThat(enabled()).isFalse();

        WebClient otto = new WebClient(server);
        otto.signIn("otto", "password-otto");
        assertThat(otto.get("/dashboard/apps/acme/tiny").statusCode()).as("another organization's app does not exist for them")
                .isEqualTo(404);
        assertThat(otto.post("/dashboard/apps/acme/tiny/builds/" + build + "/delete", Map.of()).statusCode()).isEqualTo(404);
        assertThat(otto.post("/dashboard/apps/globex/secret/builds/" + build + "/delete", Map.of()).statusCode())
                .as("a build is managed under its own app").isEqualTo(404);

        HttpResponse<String> gone = mark.post("/dashboard/apps/acme/tiny/builds/" + build + "/delete", Map.of(), "HX-Request", "true");
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(gone.body()).isEmpty();
        assertThat(mark.get("/dashboard/apps/acme/tiny").body()).contains("No builds yet.");
    }
}
