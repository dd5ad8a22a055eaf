package dev.depot.api;

import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Update checks answered from kept bytes ahead of the routes: the same bytes and headers the route
 * sends, counted as the route's requests, never an answer that a change or a release has made
 * stale, and never for anything but a fresh public answer.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class KeptAnswersTest {
    private static final String UPDATER = "/api/v1/updater/los/sunfish/gapps/";
    /** The same path spelled so only the routes answer it. */
    private static final String ENCODED = "/api/v1/updater/los/sun%66ish/gapps/";
    private static final String ROUTE = "/api/v1/updater/los/{codename}/{variant}";
    private static final List<String> HEADERS = List.of("content-type", "content-length", "content-encoding", "vary",
            "x-content-type-options");

    @Parameter
    Backend backend;
    TestServer server;
    OtaFixture f;

    @BeforeEach
    void start() {
        // an hour's TTL: a loaded machine must not age the kept answer out between two requests
        server = TestServer.start(backend, Map.of(dev.depot.config.Setting.UPDATER_CACHE_TTL, "1h"));
        f = new OtaFixture(server);
        for (int day = 1; day <= 9; day++) { // an answer over 1500 bytes, so it is kept gzipped too
            f.upload("Bliss-v1." + day + "-sunfish-OFFICIAL-gapps-2024010" + day + ".zip", OtaFixture.randomBytes(100, day));
        }
        server.awaitNoJobs(); // an inspection finishing changes the builds, and with them the kept answer
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private double kept() {
        var c = server.depot().metrics().find("depot.http.kept.answers").counter();
        return c == null ? 0 : c.count();
    }

    private long routeCount(String route, String status) {
        var t = server.depot().metrics().find("depot.http.requests").tag("route", route).tag("status", status).timer();
        return t == null ? 0 : t.count();
    }

    /**
     * The routes count a request once its answer is written, so the client may read the answer
     * first: wait for the count, then insist it is exact.
     */
    private void awaitRouteCount(String route, String status, long expected) {
        TestServer.awaitTrue(route + " " + status + " counted " + expected + " times", () -> routeCount(route, status) >= expected);
        assertThat(routeCount(route, status)).as("every request counted once under the route's template").isEqualTo(expected);
    }

    private HttpResponse<byte[]> get(String path, String acceptEncoding) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).header("Accept-Encoding", acceptEncoding).GET()
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, List<String>> headers(HttpResponse<?> r) {
        var out = new java.util.TreeMap<String, List<String>>();
        r.headers().map().forEach((k, v) -> {
            if (HEADERS.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                out.put(k.toLowerCase(java.util.Locale.ROOT), v);
            }
        });
        return out;
    }

    @Test
    void aKeptAnswerIsTheRoutesAnswerByteForByteAndCountsAsTheRoute() {
        for (String encoding : List.of("identity", "gzip")) {
            server.get(ENCODED); // rendered by the route (again, if anything changed), and kept
            double before = kept();
            HttpResponse<byte[]> routed = get(ENCODED, encoding);
            HttpResponse<byte[]> fromKept = get(UPDATER, encoding);
            assertThat(kept() - before).as("only the plain path is answered ahead of the routes").isEqualTo(1);
            assertThat(routed.statusCode()).isEqualTo(200);
            assertThat(fromKept.statusCode()).isEqualTo(200);
            assertThat(fromKept.body()).as(encoding).isEqualTo(routed.body());
            assertThat(headers(fromKept)).as(encoding).isEqualTo(headers(routed));
        }
        assertThat(headers(get(UPDATER, "gzip"))).containsEntry("content-encoding", List.of("gzip"));
        awaitRouteCount(ROUTE, "200", 7);

        double before = kept();
        for (String same : List.of("/api/v1/updater/los/sunfish/gapps", "/api/v1/updater/los/sunfish/gapps/?channel=beta&x=1",
                "/api/latest/updater/los/sunfish/gapps/")) {
            server.get(same); // /api/latest renders its own copy once
            assertThat(server.get(same).statusCode()).isEqualTo(200);
        }
        assertThat(kept() - before).as("with or without the slash, whatever the query, under /api/latest").isGreaterThanOrEqualTo(4);
        awaitRouteCount("/api/latest/updater/los/{codename}/{variant}", "200", 2);
    }

    @Test
    void aChangeOrAReleaseIsNeverAnsweredFromAnOlderCopy() {
        server.get(UPDATER);
        assertThat(server.get(UPDATER).body()).doesNotContain("v2.0");
        f.upload("Bliss-v2.0-sunfish-OFFICIAL-gapps-20240201.zip", OtaFixture.randomBytes(100, 20));
        assertThat(server.get(UPDATER).body()).as("a new build shows at once").contains("v2.0");

        long april = f.upload("Bliss-v3.0-sunfish-OFFICIAL-gapps-20240401.zip", OtaFixture.randomBytes(1234, 30));
        server.get(UPDATER);
        var r = server.postJson("/v1/devices/sunfish/releases", "{\"channel\":\"stable\",\"build\":" + april
                + ",\"percentage\":100}", auth(f.maintainerToken));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        double before = kept();
        for (int i = 0; i < 3; i++) {
            var offered = dev.depot.support.Json.parse(server.get(UPDATER + "?installation=phone-1").body()).get("response");
            assertThat(offered).as("once it has a release, only the release is offered").hasSize(1);
            assertThat(offered.get(0).get("size").asLong()).isEqualTo(1234);
        }
        assertThat(kept() - before).as("a device with releases is always answered by the routes").isZero();
        var installations = server.get("/v1/devices/sunfish/installations", auth(f.maintainerToken));
        assertThat(installations.body()).as("which record the phone's contact").contains("phone-1");
    }

    @Test
    void refusalsAndOtherMethodsGoToTheRoutes() {
        double before = kept();
        for (int i = 0; i < 2; i++) {
            var unknown = server.get("/api/v1/updater/los/nosuchdevice/gapps/");
            assertThat(unknown.statusCode()).isEqualTo(404);
        }
        assertThat(server.get("/api/v1/updater/los/sunfish/nosuchvariant/").statusCode()).isEqualTo(400);
        server.get(UPDATER);
        var head = server.send(HttpRequest.newBuilder(URI.create(server.url(UPDATER))).method("HEAD",
                HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(server.get(ENCODED).statusCode()).as("an encoded path, by the routes")
                .isEqualTo(200);
        assertThat(kept() - before).isZero();
        awaitRouteCount(ROUTE, "404", 2);
        awaitRouteCount(ROUTE, "400", 1);
    }
}
