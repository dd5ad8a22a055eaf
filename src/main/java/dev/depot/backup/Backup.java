package dev.depot.backup;

import dev.depot.config.ConfigException;
import dev.depot.config.Settings;
import dev.depot.config.StorageSettings;
import dev.depot.db.Database;
import dev.depot.db.Dialect;
import dev.depot.server.Depot;
import dev.depot.upload.RestoredUploads;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A consistent copy of the embedded default (SQLite and a data directory) taken while Depot serves,
 * and its way back.
 *
 * <p>The database is copied first, by SQLite's {@code VACUUM INTO} (one read transaction, so one
 * moment). Blobs and staged upload bytes are copied after it: a blob is renamed into place before
 * any row names it and never changes, and a staged upload only grows past the offset its row
 * records, so everything the copied database refers to is in the copy. {@code backup.properties}
 * is written last; a directory without it is not a backup.
 */
public final class Backup {
    public static final String MANIFEST = "backup.properties";
    private static final String DATABASE = "depot.db";
    private static final String[] FOLDERS = {"blobs", "uploads", "keys"};

    /** What a backup or restore copied. */
    public record Summary(long files, long bytes) {}

    private Backup() {}

    /** Copies the data Depot is configured with into {@code target}, which must be absent or empty. */
    public static Summary backup(Settings settings, Path target) throws IOException {
        requireEmbedded(settings, "backup");
        requireEmpty(target, "the backup directory");
        Files.createDirectories(target);
        Path db = target.resolve(DATABASE);
        try (Database database = Database.open(settings.databaseUrl(), "", "", 2)) {
            database.jdbi().useHandle(h -> h.execute("VACUUM INTO '" + db.toAbsolutePath().toString().replace("'", "''") + "'"));
        }
        long[] copied = {1, Files.size(db)};
        for (String folder : FOLDERS) {
            if (folder.equals("blobs") && settings.storage().kind() != StorageSettings.Kind.FILESYSTEM) {
                continue;
            }
            copyTree(settings.dataDir().resolve(folder), target.resolve(folder), copied);
        }
        Properties manifest = new Properties();
        manifest.setProperty("created", Instant.now().toString());
        manifest.setProperty("depot.version", Depot.VERSION);
        manifest.setProperty("storage", settings.storage().kind().name().toLowerCase());
        manifest.setProperty("files", Long.toString(copied[0]));
        manifest.setProperty("bytes", Long.toString(copied[1]));
        try (OutputStream out = Files.newOutputStream(target.resolve(MANIFEST))) {
            manifest.store(out, "Depot backup; restore with: depot restore " + target);
        }
        return new Summary(copied[0], copied[1]);
    }

    /** Puts a backup back into the configured data directory, which must not hold a database yet. */
    public static Summary restore(Settings settings, Path source) throws IOException {
        requireEmbedded(settings, "restore");
        if (!Files.isRegularFile(source.resolve(MANIFEST)) || !Files.isRegularFile(source.resolve(DATABASE))) {
            throw new ConfigException(source + " is not a complete Depot backup (no " + MANIFEST + " or " + DATABASE + ")");
        }
        Path data = settings.dataDir();
        if (Files.exists(data.resolve(DATABASE))) {
            throw new ConfigException(data + " already holds a database; stop Depot and move that directory away "
                    + "before restoring into it");
        }
        Files.createDirectories(data);
        long[] copied = {0, 0};
        for (String folder : FOLDERS) {
            copyTree(source.resolve(folder), data.resolve(folder), copied);
        }
        // the database last: until it is in place, the directory is not a usable Depot
        Path partial = data.resolve(DATABASE + ".restoring");
        Files.copy(source.resolve(DATABASE), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, data.resolve(DATABASE), StandardCopyOption.ATOMIC_MOVE);
        copied[0]++;
        copied[1] += Files.size(data.resolve(DATABASE));
        try (Database restored = Database.open(settings.databaseUrl(), "", "", 2)) {
            RestoredUploads.dropUnresumable(restored.jdbi(), data.resolve("uploads"));
        }
        return new Summary(copied[0], copied[1]);
    }

    private static void requireEmbedded(Settings settings, String verb) {
        if (Dialect.of(settings.databaseUrl()) != Dialect.SQLITE) {
            throw new ConfigException("depot " + verb + " handles the embedded SQLite database; with PostgreSQL use "
                    + "pg_dump and pg_restore, and your bucket's versioning for blobs (docs/deployment.md)");
        }
    }

    private static void requireEmpty(Path dir, String what) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(what + " " + dir + " is a file");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new ConfigException(what + " " + dir + " is not empty");
            }
        }
    }

    /** Copies regular files under {@code from}, skipping temporary files; a missing {@code from} copies nothing. */
    private static void copyTree(Path from, Path to, long[] copied) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName().toString().equals(".tmp") || dir.getFileName().toString().equals("multipart")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    try {
                        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                        copied[0]++;
                        copied[1] += attrs.size();
                    } catch (NoSuchFileException gone) {
                        // an upload finished or expired while we copied: nothing the database copy needs
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

}
