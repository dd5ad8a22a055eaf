package dev.depot.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.config.ConfigException;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.server.DepotServer;
import dev.depot.support.Backend;
import dev.depot.support.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Several nodes with an empty public.url would each write their own address into indexes and
 * links: on PostgreSQL or S3, where nodes can share the data, Depot does not start without it.
 */
class PublicUrlRequiredTest {

    @Test
    void onPostgresqlOrS3WithoutAPublicUrlTheServerRefusesToStartAndSaysWhy() throws Exception {
        Path data = Files.createTempDirectory("depot-public-url");
        Settings postgres = Settings.defaults().with(Setting.PORT, "0").with(Setting.DATA, data.toString())
                .with(Setting.DATABASE_URL, Backend.POSTGRESQL.newDatabaseUrl(data));
        assertThatThrownBy(() -> DepotServer.start(postgres, Clock.systemUTC())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("public.url is required when Depot runs on PostgreSQL")
                .hasMessageContaining("DEPOT_PUBLIC_URL");

        S3ProxyServer s3 = S3ProxyServer.shared();
        Settings bucket = Settings.defaults().with(Setting.PORT, "0").with(Setting.DATA, data.resolve("s3").toString());
        for (var e : s3.depotSettings(S3ProxyServer.newBucketName("public-url"), "auto").entrySet()) {
            bucket = bucket.with(e.getKey(), e.getValue());
        }
        Settings s3Settings = bucket;
        assertThatThrownBy(() -> DepotServer.start(s3Settings, Clock.systemUTC())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("public.url is required when Depot runs on S3");

        try (DepotServer server = DepotServer.start(postgres.with(Setting.PUBLIC_URL, "https://depot.example.org"), Clock.systemUTC())) {
            assertThat(server.publicUrl()).isEqualTo("https://depot.example.org");
        }
        try (DepotServer embedded = DepotServer.start(Settings.defaults().with(Setting.PORT, "0")
                .with(Setting.DATA, data.resolve("embedded").toString()), Clock.systemUTC())) {
            assertThat(embedded.publicUrl()).as("the embedded default needs none").startsWith("http://127.0.0.1:");
        }
    }
}
