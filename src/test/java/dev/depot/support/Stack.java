package dev.depot.support;

import dev.depot.config.Setting;
import dev.depot.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A database and a store together: the matrix that feature tests touching storage run on
 * (SQLite and PostgreSQL, each with a folder and with S3), as Reposilite runs its integration
 * tests on local and remote storage. With S3 the uploads are staged in the bucket too.
 */
public record Stack(Backend database, Store storage) {
    /** Where blobs live. */
    public enum Store { FOLDER, S3 }

    /** Every database with every store: for {@code @MethodSource("dev.depot.support.Stack#all")}. */
    public static Stream<Stack> all() {
        return Stream.of(Backend.values()).flatMap(b -> Stream.of(Store.values()).map(s -> new Stack(b, s)));
    }

    /** The settings that put a server on this store (a new bucket for S3; nothing for a folder). */
    public Map<Setting, String> storeSettings() {
        return storage == Store.S3
                ? S3ProxyServer.shared().depotSettings(S3ProxyServer.newBucketName("stack"), "false")
                : Map.of();
    }

    /** Settings of a Depot on this stack over {@code dataDir}: a new database, and a new bucket for S3. */
    public Settings settings(Path dataDir) {
        Settings s = Settings.defaults().with(Setting.PORT, "0").with(Setting.DATA, dataDir.toString())
                .with(Setting.DATABASE_URL, database.newDatabaseUrl(dataDir));
        for (Map.Entry<Setting, String> e : storeSettings().entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }

    @Override
    public String toString() {
        return database.name().toLowerCase() + " + " + storage.name().toLowerCase();
    }
}
