package dev.depot.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** PostgreSQL goes away under load and comes back: requests fail cleanly, then the pool recovers. */
class DatabaseOutageTest {

    private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    @Test
    void aDatabaseRestartUnderLoadGives503sThenRecovers() throws Exception {
        Path pgData = Files.createTempDirectory("depot-pg-outage");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = startPostgres(pgData, port);
        String url = pg.getJdbcUrl("postgres", "postgres");
        try (TestServer server = TestServer.start(Backend.POSTGRESQL, Files.createTempDirectory("depot-outage"), Clock.systemUTC(),
                Map.of(Setting.DATABASE_URL, url))) {
            String token = server.userWithToken("root", true, Scope.ADMIN);
            server.depot().ota().devices().addDevice("sunfish", "Pixel 4a", "Google");
            List<Integer> statuses = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread load = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    statuses.add(server.get("/api/v1/general/device/all").statusCode());
                    statuses.add(server.get("/v1/users", "Authorization", "Bearer " + token).statusCode());
                }
            });
            Thread.sleep(500);
            assertThat(statuses).isNotEmpty().containsOnly(200);

            pg.close();
            long down = System.nanoTime();
            HttpResponse<String> ready = server.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(Json.parse(ready.body()).get("database").asText()).isEqualTo("unreachable");
            assertThat((System.nanoTime() - down) / 1e9).as("readyz answers promptly").isLessThan(5);
            HttpResponse<String> refused = server.get("/v1/users", "Authorization", "Bearer " + token);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(Json.parse(refused.body()).get("error").get("code").asInt()).isEqualTo(5003);
            assertThat(server.get("/api/v1/general/device/all").statusCode()).isEqualTo(503);

            pg = startPostgres(pgData, port);
            long deadline = System.currentTimeMillis() + 30_000;
            while (server.get("/readyz").statusCode() != 200 && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
            statuses.clear();
            Thread.sleep(500);
            running.set(false);
            load.join();
            assertThat(statuses).isNotEmpty().containsOnly(200);
            assertThat(Set.copyOf(statuses)).containsOnly(200);
        } finally {
            pg.close();
        }
    }
}
