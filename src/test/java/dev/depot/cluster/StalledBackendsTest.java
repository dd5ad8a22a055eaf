package dev.depot.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.FaultyProxy;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.S3ProxyServer;
import dev.depot.support.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Backends that stop answering without going away: a frozen PostgreSQL (SIGSTOP) and a bucket
 * that takes requests and never answers. Every request answers 503 within the configured timeouts,
 * {@code /readyz} within 2 s, and all is well again once the backend answers.
 */
class StalledBackendsTest {

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    @Test
    void aFrozenPostgresqlGives503sWithinTheTimeoutAndReadyzAnswersAtOnce() throws Exception {
        Path pgData = Files.createTempDirectory("depot-pg-frozen");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(true).start();
        try (TestServer server = TestServer.start(Backend.POSTGRESQL, Files.createTempDirectory("depot-frozen"), Clock.systemUTC(),
                Map.of(Setting.DATABASE_URL, pg.getJdbcUrl("postgres", "postgres"), Setting.DATABASE_TIMEOUT, "2s"))) {
            String token = server.userWithToken("root", true, Scope.ADMIN);
            server.depot().ota().devices().addDevice("sunfish", "Pixel 4a", "Google");
            assertThat(server.get("/v1/users", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);

            List<Long> frozen = freeze(pgData);
            try {
                long t0 = System.nanoTime();
                HttpResponse<String> ready = server.get("/readyz");
                assertThat(secondsSince(t0)).as("readyz answers within 2 s").isLessThan(2.5);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(Json.parse(ready.body()).get("database").asText()).isEqualTo("unreachable");

                Thread.sleep(1100);
                for (String path : new String[] {"/v1/users", "/api/v1/general/device/all/"}) {
                    long t1 = System.nanoTime();
                    HttpResponse<String> r = server.get(path, "Authorization", "Bearer " + token);
                    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(503);
                    assertThat(secondsSince(t1)).as(path + " answers within the database timeout").isLessThan(8);
                }
            } finally {
                signal("CONT", frozen);
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (server.get("/readyz").statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(server.get("/v1/users", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        } finally {
            pg.close();
        }
    }

    /**
     * Stops the postmaster (its pid is the first line of postmaster.pid), so that it forks no more
     * backends, then every backend it has; returns them all.
     */
    private static List<Long> freeze(Path data) throws Exception {
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim());
        signal("STOP", List.of(postmaster));
        List<Long> pids = new ArrayList<>(List.of(postmaster));
        ProcessHandle.of(postmaster).orElseThrow().children().forEach(p -> pids.add(p.pid()));
        signal("STOP", pids.subList(1, pids.size()));
        return pids;
    }

    private static void signal(String name, List<Long> pids) throws Exception {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + name));
        pids.forEach(p -> command.add(Long.toString(p)));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }

    @Test
    void aBucketThatStopsAnsweringGives503sWithinTheTimeoutAndReadyzAnswersAtOnce() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        try (FaultyProxy proxy = new FaultyProxy(Integer.parseInt(s3.endpoint().substring(s3.endpoint().lastIndexOf(':') + 1)))) {
            Map<Setting, String> settings = new EnumMap<>(s3.depotSettings(S3ProxyServer.newBucketName("stalled"), "auto"));
            settings.put(Setting.S3_ENDPOINT, proxy.endpoint());
            settings.put(Setting.STORAGE_TIMEOUT, "1s");
            try (TestServer server = TestServer.start(Backend.SQLITE, settings)) {
                OtaFixture f = new OtaFixture(server);
                byte[] chunk = OtaFixture.randomBytes(1_000_000, 7);
                String name = "Bliss-v1.0-sunfish-OFFICIAL-gapps-20240601.zip";
                assertThat(f.shippy.putChunk(null, name, chunk, 0, 3_000_000).statusCode()).isEqualTo(200);
                String id = Json.parse(f.shippy.list().body()).get(0).get("id").asText();

                proxy.mode(FaultyProxy.Mode.STALL);
                long t0 = System.nanoTime();
                HttpResponse<String> ready = server.get("/readyz");
                assertThat(secondsSince(t0)).as("readyz answers within 2 s").isLessThan(2.5);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(Json.parse(ready.body()).get("blobs").asText()).isIn("not answering", "not writable");
                assertThat(Json.parse(ready.body()).get("database").asText()).isEqualTo("ok");

                long t1 = System.nanoTime();
                HttpResponse<String> stalled = f.shippy.putChunk(id, name, chunk, 1_000_000, 3_000_000);
                assertThat(stalled.statusCode()).as(stalled.body()).isEqualTo(503);
                // 1 s for an answer, plus the chunk's time at 1 MiB/s, retries included
                assertThat(secondsSince(t1)).as("the chunk's answer comes within the storage timeout").isLessThan(6);
                assertThat(Json.parse(f.shippy.list().body()).get(0).get("offset").asLong()).as("nothing of it was kept")
                        .isEqualTo(1_000_000);

                proxy.mode(FaultyProxy.Mode.FORWARD);
                assertThat(f.shippy.putChunk(id, name, chunk, 1_000_000, 3_000_000).statusCode()).isEqualTo(200);
                assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
            }
        }
    }
}
