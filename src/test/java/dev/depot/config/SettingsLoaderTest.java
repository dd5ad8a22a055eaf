package dev.depot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {

    @Test
    void laterLayersWin_defaultsThenFileThenEnvironmentThenFlags(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("depot.properties");
        Files.writeString(file, "port=9000\nhost=0.0.0.0\nupload.expiry=2h\n");

        Settings s = SettingsLoader.load(file, Map.of("DEPOT_PORT", "9100", "DEPOT_PUBLIC_URL", "https://ota.example/"),
                Map.of(Setting.HOST, "127.0.0.2"));

        assertThat(s.port()).isEqualTo(9100);
        assertThat(s.host()).isEqualTo("127.0.0.2");
        assertThat(s.getDuration(Setting.UPLOAD_EXPIRY)).isEqualTo(Duration.ofHours(2));
        assertThat(s.publicUrl(1234)).isEqualTo("https://ota.example");
        assertThat(s.get(Setting.DATA)).isEqualTo("./depot-data");
    }

    @Test
    void configFileCanBeNamedByEnvironment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "database.pool-size=3\n");

        Settings s = SettingsLoader.load(null, Map.of("DEPOT_CONFIG", file.toString()), Map.of());

        assertThat(s.getInt(Setting.DATABASE_POOL_SIZE)).isEqualTo(3);
    }

    @Test
    void unknownKeyInFileIsRejectedWithItsName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "prot=80\n");

        assertThatThrownBy(() -> SettingsLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("prot");
    }

    @Test
    void defaultsDeriveDatabaseAndPublicUrl() {
        Settings s = Settings.defaults().with(Setting.DATA, "/srv/depot");

        assertThat(s.databaseUrl()).isEqualTo("jdbc:sqlite:/srv/depot/depot.db");
        assertThat(s.publicUrl(8080)).isEqualTo("http://127.0.0.1:8080");
        assertThat(Setting.DATABASE_POOL_SIZE.environmentVariable()).isEqualTo("DEPOT_DATABASE_POOL_SIZE");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(DurationText.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(DurationText.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(DurationText.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> DurationText.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badNumberNamesTheKey() {
        Settings s = Settings.defaults().with(Setting.PORT, "eighty");

        assertThatThrownBy(s::port).isInstanceOf(ConfigException.class).hasMessageContaining("port");
    }

    @Test
    void everyKeyIsDocumentedInConfigurationGuide() throws IOException {
        String doc = Files.readString(Path.of("docs/configuration.md"));

        for (Setting s : Setting.values()) {
            assertThat(doc).as("docs/configuration.md documents %s", s.key())
                    .contains("`" + s.key() + "`").contains("`" + s.environmentVariable() + "`");
        }
    }
}
