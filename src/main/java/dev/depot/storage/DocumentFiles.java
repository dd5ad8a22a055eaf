package dev.depot.storage;

import dev.depot.core.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Documents made ahead of the requests that fetch them (a repository's index, F-Droid's files),
 * kept as files on this node's disk rather than in the heap: a large index costs its size once on
 * disk (and in the page cache while it is fetched), not in every node's memory. Each has a gzipped
 * copy when large enough to gain from one. The folder is this process's alone (a CLI command on
 * the same data directory has its own) and removed once the process is gone: everything in it is
 * made again from the database.
 */
public final class DocumentFiles {
    /** Documents this large are also kept gzipped. */
    static final int GZIP_FROM = 1500;

    /** A kept document: its file, its size and SHA-256, and its gzipped copy (null for a small one). */
    public record Document(Path file, long size, String sha256, Path gzipped) {}

    /** How long a retired document stays readable for requests that were handed it just before. */
    static final long RETIRE_AFTER_NANOS = 60_000_000_000L;

    private record Retired(Document document, long at) {}

    private final Path dir;
    private final AtomicLong names = new AtomicLong();
    private final ConcurrentLinkedQueue<Retired> retired = new ConcurrentLinkedQueue<>();

    /**
     * Documents under {@code root}, in a folder of this instance's own (named by the process's pid
     * and a random part, as tests run several servers in one process), made when the first is
     * kept; the folders of processes that are gone are removed.
     */
    public DocumentFiles(Path root) {
        this.dir = root.resolve(ProcessHandle.current().pid() + "-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> folders = Files.list(root)) {
            for (Path folder : folders.toList()) {
                String name = folder.getFileName().toString();
                boolean gone = !name.matches("\\d{1,19}-[0-9a-z]+")
                        || ProcessHandle.of(Long.parseLong(name.substring(0, name.indexOf('-')))).isEmpty();
                if (gone) {
                    deleteTree(folder);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + root, e);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.deleteIfExists(folder);
    }

    /** Keeps {@code bytes} as a new document (never replacing one that is being read). */
    public Document write(byte[] bytes) {
        removeRetired();
        String name = Long.toString(names.incrementAndGet());
        try {
            Path file = place(name, bytes);
            Path gz = null;
            if (bytes.length >= GZIP_FROM) {
                var out = new java.io.ByteArrayOutputStream(bytes.length / 4 + 64);
                try (OutputStream z = new GZIPOutputStream(out, 64 * 1024)) {
                    z.write(bytes);
                }
                gz = place(name + ".gz", out.toByteArray());
            }
            return new Document(file, bytes.length, Sha256.hex(bytes), gz);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a document in " + dir, e);
        }
    }

    private Path place(String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, bytes);
        return Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Marks a document as no longer served: it is removed a minute later (a request handed it just
     * before still reads it whole).
     */
    public void retire(Document d) {
        retired.add(new Retired(d, System.nanoTime()));
    }

    /** Removes every document of this instance (its server has stopped). */
    public void close() {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // left for the next start's clean-up
        }
    }

    private void removeRetired() {
        long now = System.nanoTime();
        for (Retired r = retired.peek(); r != null && now - r.at() > RETIRE_AFTER_NANOS; r = retired.peek()) {
            if (retired.remove(r)) {
                delete(r.document());
            }
        }
    }

    private static void delete(Document d) {
        try {
            Files.deleteIfExists(d.file());
            if (d.gzipped() != null) {
                Files.deleteIfExists(d.gzipped());
            }
        } catch (IOException e) {
            // left for the next start's clean-up
        }
    }
}
