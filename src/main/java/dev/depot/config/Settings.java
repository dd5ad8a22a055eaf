package dev.depot.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Resolved configuration: every {@link Setting} with its final value. Immutable. */
public final class Settings {
    private final Map<Setting, String> values;
    private StorageSettings storage;
    private UploadSettings uploads;
    private DownloadSettings downloads;

    Settings(Map<Setting, String> values) {
        this.values = new EnumMap<>(Setting.class);
        this.values.putAll(values);
        for (Setting s : Setting.values()) {
            this.values.putIfAbsent(s, s.defaultValue());
        }
    }

    public static Settings defaults() {
        return new Settings(Map.of());
    }

    /** A copy with some values replaced; used by tests and the CLI. */
    public Settings with(Setting setting, String value) {
        Map<Setting, String> copy = new EnumMap<>(Setting.class);
        copy.putAll(values);
        copy.put(setting, value);
        return new Settings(copy);
    }

    public String get(Setting setting) { return values.get(setting); }

    public int getInt(Setting setting) {
        try {
            return Integer.parseInt(get(setting).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(setting.key() + " must be a whole number, not '" + get(setting) + "'");
        }
    }

    public long getLong(Setting setting) {
        try {
            return Long.parseLong(get(setting).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(setting.key() + " must be a whole number, not '" + get(setting) + "'");
        }
    }

    public Duration getDuration(Setting setting) {
        try {
            return DurationText.parse(get(setting));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting.key() + ": " + e.getMessage());
        }
    }

    /** Where blobs live; parsed on first use, a bad value a {@link ConfigException}. */
    public synchronized StorageSettings storage() {
        if (storage == null) {
            storage = StorageSettings.of(this);
        }
        return storage;
    }

    public synchronized UploadSettings uploads() {
        if (uploads == null) {
            uploads = UploadSettings.of(this);
        }
        return uploads;
    }

    public synchronized DownloadSettings downloads() {
        if (downloads == null) {
            downloads = DownloadSettings.of(this);
        }
        return downloads;
    }

    public String host() { return get(Setting.HOST); }

    public int port() { return getInt(Setting.PORT); }

    public Path dataDir() { return Path.of(get(Setting.DATA)).toAbsolutePath().normalize(); }

    public String databaseUrl() {
        String url = get(Setting.DATABASE_URL).trim();
        return url.isEmpty() ? "jdbc:sqlite:" + dataDir().resolve("depot.db") : url;
    }

    /** The public base URL without a trailing slash; the port is the one actually bound. */
    public String publicUrl(int boundPort) {
        String url = get(Setting.PUBLIC_URL).trim();
        if (url.isEmpty()) {
            String host = host().contains(":") ? "[" + host() + "]" : host();
            if (host.equals("0.0.0.0")) {
                host = "127.0.0.1";
            }
            return "http://" + host + ":" + boundPort;
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
