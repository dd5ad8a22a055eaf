package dev.depot.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's staging directory: {@code <id>.part} files of local staging, and {@code incoming/}
 * for pieces on their way to shared storage and uploads being assembled; and the sweep of what
 * requests that died left in it.
 */
final class StagingFolder {
    private static final Logger log = LoggerFactory.getLogger(StagingFolder.class);
    static final int BUFFER = 256 * 1024;

    private final Path staging;
    private final Path incoming;

    StagingFolder(Path staging) {
        this.staging = staging;
        this.incoming = staging.resolve("incoming");
        try {
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create upload staging directory " + staging, e);
        }
    }

    /** The staged file of an upload (local staging). */
    Path file(String id) {
        return staging.resolve(id + ".part");
    }

    /** A new temporary file for a piece or an assembly of {@code id}. */
    Path incoming(String id, String suffix) {
        return incoming.resolve(id + "-" + UUID.randomUUID() + suffix);
    }

    /**
     * Deletes what requests that died left in {@code incoming/} and staged files of sessions that no
     * longer exist, when last modified before {@code before}; returns how many files went.
     */
    int sweep(long before, Predicate<String> sessionExists) {
        int removed = 0;
        for (Path dir : List.of(incoming, staging)) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    boolean stray = dir.equals(incoming)
                            || (name.endsWith(".part") && !sessionExists.test(name.substring(0, name.length() - 5)));
                    if (stray && Files.isRegularFile(f) && Files.getLastModifiedTime(f).toMillis() < before
                            && Files.deleteIfExists(f)) {
                        removed++;
                    }
                }
            } catch (IOException e) {
                log.warn("could not clean {}: {}", dir, e.toString());
            }
        }
        return removed;
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", file, e.toString());
        }
    }

    /** Writes what arrives to a channel, counting every byte written (also when the stream breaks midway). */
    abstract static class ChannelPiece implements Staging.Piece {
        final FileChannel channel;
        private long received;

        ChannelPiece(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public long receive(InputStream in, long max, MessageDigest digest) throws IOException {
            byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(max, 1))];
            long total = 0;
            while (total < max) {
                // each read is written before the next, so a stream that breaks keeps what it delivered
                int n = in.read(buf, 0, (int) Math.min(buf.length, max - total));
                if (n < 0) {
                    break;
                }
                if (digest != null) {
                    digest.update(buf, 0, n);
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                try {
                    while (bb.hasRemaining()) {
                        received += channel.write(bb);
                    }
                } catch (IOException e) {
                    throw new Staging.WriteFailed(e);
                }
                total += n;
            }
            return received;
        }

        @Override
        public long received() { return received; }
    }
}
