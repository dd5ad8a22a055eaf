package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Scope;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Health, readiness, metrics, and that every route states the access it needs. */
@ParameterizedClass
@EnumSource(Backend.class)
class OperationsTest {
    @Parameter
    Backend backend;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void healthAndReadiness() {
        server = TestServer.start(backend);

        assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
        var ready = server.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Json.parse(ready.body()).get("database").asText()).isEqualTo("ok");
        assertThat(server.get("/metrics").body()).contains("depot_ready{check=\"database\"} 1", "depot_ready{check=\"blobs\"} 1");
    }

    @Test
    void readinessFailsWhenTheBlobStoreIsNotWritable() throws Exception {
        server = TestServer.start(backend);
        Path tmp = server.dataDir().resolve("blobs/.tmp");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            boolean root = Files.isWritable(tmp); // root ignores permissions; then there is nothing to see
            var ready = server.get("/readyz");
            if (!root) {
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(Json.parse(ready.body()).get("blobs").asText()).isEqualTo("not writable");
            }
        } finally {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void readinessFailsWhenTheDatabaseIsGone() {
        server = TestServer.start(backend);
        server.depot().database().close();

        var ready = server.get("/readyz");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(Json.parse(ready.body()).get("database").asText()).isEqualTo("unreachable");
        var scrape = server.get("/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).as("the scrape's own check").contains("depot_ready{check=\"database\"} 0");
    }

    @Test
    void metricsCountRequestsByRouteAndStatus() {
        server = TestServer.start(backend);
        server.get("/api/v1/updater/los/none/gapps/");
        assertThat(server.get("/v1/organizations").statusCode()).as("refused before the route ran").isEqualTo(401);

        String metrics = server.get("/metrics").body();

        assertThat(metrics).contains("depot_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/updater/los/{codename}/{variant}\",status=\"404\"}");
        assertThat(metrics).contains("depot_http_requests_seconds_count{method=\"GET\",route=\"/v1/organizations\",status=\"401\"}");
        assertThat(metrics).contains("jvm_memory_used_bytes").contains("depot_http_bytes_out_total");
        assertThat(metrics).as("the job backlog").contains("depot_jobs_queued ").contains("depot_jobs_oldest_wait_seconds ");

        OtaFixture f = new OtaFixture(server);
        f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(1_500_000, 1));
        String after = server.get("/metrics").body();
        assertThat(after).contains("depot_uploads_chunks_total 2.0").contains("depot_uploads_bytes_total 1500000.0")
                .contains("depot_uploads_finalized_total{result=\"ok\"} 1.0");
    }

    @Test
    void everyRouteDeclaresItsAccessAndMaintainerRoutesNeedATokens() {
        server = TestServer.start(backend);

        assertThat(server.server().routes()).isNotEmpty().allSatisfy(r -> assertThat(r.access()).isNotNull());
        assertThat(server.server().routes()).filteredOn(r -> r.path().contains("/maintainers/") && !r.path().endsWith("/login"))
                .allSatisfy(r -> assertThat(r.access()).isNotEqualTo(Access.PUBLIC));
        // in the native API only what a signed token or link protects is public, the published
        // repositories (app stores read them without accounts), and tus' OPTIONS
        assertThat(server.server().routes()).filteredOn(r -> r.path().startsWith("/v1/") && r.access() == Access.PUBLIC)
                .extracting(r -> r.method() + " " + r.path())
                .containsExactlyInAnyOrder("GET /v1/download/{token}", "GET /v1/files/{link}/{file_name}",
                        "HEAD /v1/files/{link}/{file_name}", "GET /v1/manifests/{link}/manifest.plist",
                        "GET /v1/download/{token}/manifest.plist", "OPTIONS /v1/uploads", "OPTIONS /v1/uploads/{id}", "GET /v1/repositories/{repo}",
                        "GET /v1/repositories/{repo}/changes", "POST /v1/repositories/{repo}/updates",
                        "GET /v1/repositories/{repo}/fdroid",
                        "GET /v1/repositories/{repo}/files/{build}/{file_name}",
                        "HEAD /v1/repositories/{repo}/files/{build}/{file_name}",
                        "GET /v1/devices/{codename}/update", "POST /v1/devices/{codename}/installations/{installation}/token",
                        "POST /v1/repositories/{repo}/installations/{installation}/token");
        // the signed-in pages are signed in, and the admin pages are for admins
        assertThat(server.server().routes()).filteredOn(r -> r.path().startsWith("/dashboard") || r.path().equals("/logout"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.access()).isEqualTo(Access.SIGNED_IN));
        assertThat(server.server().routes()).filteredOn(r -> r.path().startsWith("/admin"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.access()).isEqualTo(Access.SIGNED_IN_ADMIN));
        assertThat(server.server().routes()).filteredOn(r -> r.access().page())
                .allSatisfy(r -> assertThat(r.path()).matches("/(dashboard|admin|logout).*"));
    }

    @Test
    void theOpenApiDocumentDescribesEveryNativeRouteAndEveryErrorCode() throws Exception {
        server = TestServer.start(backend);

        var doc = Json.parse(server.get("/openapi.json").body());

        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        for (var r : server.server().routes()) {
            if (r.path().startsWith("/v1/") && !r.method().name().equals("OPTIONS")) {
                assertThat(doc.get("paths").has(r.path())).as(r.path()).isTrue();
                assertThat(doc.get("paths").get(r.path()).has(r.method().name().toLowerCase())).as(r.method() + " " + r.path()).isTrue();
            }
        }
        assertThat(doc.get("paths").get("/v1/organizations/{org}/apps/{app}/builds/{build}/downloadToken").get("get")
                .get("security").get(0).get("token").get(0).asText()).isEqualTo("read");
        var codes = doc.get("components").get("schemas").get("ErrorCode").get("enum");
        assertThat(codes).extracting(n -> n.asInt()).contains(3001, 4002, 4004, 4005, 5014);
        String apiDoc = Files.readString(Path.of("docs/api.md"));
        for (var code : codes) {
            assertThat(apiDoc).as("docs/api.md documents code %s", code.asInt()).contains("| " + code.asInt() + " |");
        }
    }

    @Test
    void secretsNeverReachTheLogs() throws Exception {
        server = TestServer.start(backend);
        OtaFixture f = new OtaFixture(server);
        var out = new java.io.ByteArrayOutputStream();
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var appender = new ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        var encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        encoder.setContext(logger.getLoggerContext());
        encoder.setPattern("%msg%n");
        encoder.start();
        appender.setContext(logger.getLoggerContext());
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        logger.addAppender(appender);
        try {
            var login = server.postForm("/api/v1/maintainers/login/", java.util.Map.of("username", "maint", "password", "password-maint"));
            String token = Json.parse(login.body()).get("token").asText();
            server.get("/api/v1/maintainers/token_check/?token=" + token, "Authorization", "Token " + token);
            server.get("/v1/me", "Authorization", "Bearer " + f.adminToken);
        } finally {
            logger.detachAppender(appender);
        }
        String logged = out.toString();
        assertThat(logged).contains("route=/api/v1/maintainers/login").doesNotContain("dpt_").doesNotContain("password-maint");
        assertThat(server.userWithToken("x", false, Scope.READ)).isNotBlank();
    }
}
