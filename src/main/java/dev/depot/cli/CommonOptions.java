package dev.depot.cli;

import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.config.SettingsLoader;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes to find its data: the same data directory or database the server uses. */
final class CommonOptions {
    @Option(names = "--config", description = "Properties file with settings (also DEPOT_CONFIG).")
    Path config;

    @Option(names = "--data", description = "Data directory (default ./depot-data; also DEPOT_DATA).")
    String data;

    @Option(names = "--database-url", description = "JDBC URL (default SQLite in the data directory; also DEPOT_DATABASE_URL).")
    String databaseUrl;

    Settings settings(Map<Setting, String> extraFlags) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.DATA, data);
        flags.put(Setting.DATABASE_URL, databaseUrl);
        flags.putAll(extraFlags);
        return SettingsLoader.load(config, System.getenv(), flags);
    }

    Settings settings() {
        return settings(Map.of());
    }
}
