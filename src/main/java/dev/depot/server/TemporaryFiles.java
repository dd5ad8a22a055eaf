package dev.depot.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories where requests keep files only while they run (multipart parts the HTTP server
 * spills to disk, samples being received, blobs being written, pieces of uploads on their way to
 * shared storage). What a request that died (a crash, {@code kill -9}) left there is deleted when
 * the server starts and then every so often.
 */
final class TemporaryFiles {
    private static final Logger log = LoggerFactory.getLogger(TemporaryFiles.class);
    private final List<Path> directories;

    TemporaryFiles(List<Path> directories) {
        this.directories = directories;
    }

    /** Deletes the regular files directly in each directory last modified before {@code before}; returns how many. */
    int sweep(long before) {
        int removed = 0;
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    try {
                        if (Files.isRegularFile(f) && Files.getLastModifiedTime(f).toMillis() < before && Files.deleteIfExists(f)) {
                            removed++;
                        }
                    } catch (NoSuchFileException e) {
                        // its request finished meanwhile
                    }
                }
            } catch (IOException e) {
                log.warn("could not clean {}: {}", dir, e.toString());
            }
        }
        return removed;
    }
}
