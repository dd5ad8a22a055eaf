package dev.depot.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * Layers configuration: defaults, then an optional properties file, then {@code DEPOT_*}
 * environment variables, then command-line flags. Later layers win.
 */
public final class SettingsLoader {
    public static final String CONFIG_FILE_VARIABLE = "DEPOT_CONFIG";

    private SettingsLoader() {}

    public static Settings load(Path configFile, Map<String, String> environment, Map<Setting, String> flags) {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        Path file = configFile;
        if (file == null && environment.containsKey(CONFIG_FILE_VARIABLE)) {
            file = Path.of(environment.get(CONFIG_FILE_VARIABLE));
        }
        if (file != null) {
            values.putAll(readFile(file));
        }
        for (Setting s : Setting.values()) {
            String v = environment.get(s.environmentVariable());
            if (v != null) {
                values.put(s, v);
            }
        }
        flags.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
            }
        });
        return new Settings(values);
    }

    private static Map<Setting, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (String name : p.stringPropertyNames()) {
            Setting s = Setting.byKey(name)
                    .orElseThrow(() -> new ConfigException("unknown key '" + name + "' in " + file));
            values.put(s, p.getProperty(name).trim());
        }
        return values;
    }
}
