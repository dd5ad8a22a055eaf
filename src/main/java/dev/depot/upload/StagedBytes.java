package dev.depot.upload;

import dev.depot.storage.ScratchStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an upload's accepted bytes wait for completion: one file per upload in this node's
 * staging directory, or, when several nodes serve uploads, one object per accepted piece in
 * shared storage (recorded in {@code upload_chunks} with the offset that accepted it). A piece is
 * written first and becomes part of the upload only when its new offset is recorded.
 */
final class StagedBytes {
    private static final Logger log = LoggerFactory.getLogger(StagedBytes.class);
    private static final int BUFFER = 256 * 1024;

    private final UploadRepository repository;
    private final ScratchStore shared;
    private final Path staging;
    private final Path incoming;

    StagedBytes(UploadRepository repository, ScratchStore shared, Path staging) {
        this.repository = repository;
        this.shared = shared;
        this.staging = staging;
        this.incoming = staging.resolve("incoming");
        try {
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create upload staging directory " + staging, e);
        }
    }

    boolean shared() { return shared != null; }

    /** This node's staged file of an upload. */
    Path file(String id) {
        return staging.resolve(id + ".part");
    }

    void create(String id) {
        if (shared != null) {
            return;
        }
        try {
            Files.deleteIfExists(file(id));
            Files.createFile(file(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many bytes this node's staged file holds (0 when there is none). */
    long localLength(String id) {
        try {
            return Files.size(file(id));
        } catch (IOException e) {
            return 0;
        }
    }

    /** Staging could not write what arrived (a full disk, say), as opposed to the sender's stream breaking. */
    static final class WriteFailed extends IOException {
        WriteFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Bytes arriving at {@code offset}, not yet part of the upload. */
    interface Piece {
        /**
         * Reads up to {@code max} more bytes (fewer when the stream ends), writing them and feeding
         * {@code digest}; returns how many the piece holds.
         */
        long receive(InputStream in, long max, MessageDigest digest) throws IOException;

        /** How many bytes this piece holds so far (also after {@link #receive} failed midway). */
        long received();

        /** Makes the piece reachable by every node: the shared object's name, or null when staging is local. */
        String store() throws IOException;

        /** Forgets a piece that was stored but whose offset could not be recorded. */
        void undo(String object);

        /** Forgets a piece that was not accepted. */
        void discard();
    }

    Piece piece(String id, long offset) throws WriteFailed {
        try {
            return shared == null ? new LocalPiece(file(id), offset)
                    : new SharedPiece(id, offset, incoming.resolve(id + "-" + offset + "-" + UUID.randomUUID() + ".chunk"));
        } catch (IOException e) {
            throw new WriteFailed(e);
        }
    }

    /** Writes what arrives to a channel, counting every byte written (also when the stream breaks midway). */
    private abstract static class ChannelPiece implements Piece {
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
                    throw new WriteFailed(e);
                }
                total += n;
            }
            return received;
        }

        @Override
        public long received() { return received; }
    }

    /** A piece written straight into the staged file; refusing it cuts the file back to where it began. */
    private static final class LocalPiece extends ChannelPiece {
        private final Path file;
        private final long start;

        LocalPiece(Path file, long start) throws IOException {
            super(FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE));
            this.file = file;
            this.start = start;
            channel.truncate(start);
            channel.position(start);
        }

        @Override
        public String store() throws IOException {
            channel.close();
            return null;
        }

        @Override
        public void undo(String object) {
            discard();
        }

        @Override
        public void discard() {
            try (FileChannel ch = channel.isOpen() ? channel : FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(start);
            } catch (IOException ignored) {
                // the next append truncates to the recorded offset anyway
            }
        }
    }

    /** A piece received into a temporary file, then stored as one object of shared storage. */
    private final class SharedPiece extends ChannelPiece {
        private final String object;
        private final Path file;

        SharedPiece(String id, long start, Path file) throws IOException {
            super(FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
            this.object = "uploads/" + id + "/" + start + "-" + UUID.randomUUID();
            this.file = file;
        }

        @Override
        public String store() throws IOException {
            try {
                channel.close();
                shared.put(object, file);
                return object;
            } finally {
                deleteQuietly(file);
            }
        }

        @Override
        public void undo(String name) {
            deleteSharedQuietly(name);
        }

        @Override
        public void discard() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // deleted next
            }
            deleteQuietly(file);
        }
    }

    /** A temporary file to assemble a shared upload in before it goes to the blob store. */
    Path assemblyFile(String id) {
        return incoming.resolve(id + "-" + UUID.randomUUID() + ".whole");
    }

    /** Copies a shared upload's pieces, in order, into {@code to}, hashing them on the way. */
    UploadDigests copyShared(UploadSession s, Path to) throws IOException {
        UploadDigests d = new UploadDigests();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = openShared(s); OutputStream out = Files.newOutputStream(to)) {
            long remaining = s.offset();
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                if (n < 0) {
                    throw new IOException("staged bytes of upload " + s.id() + " are shorter than its offset " + s.offset());
                }
                d.update(buf, 0, n);
                out.write(buf, 0, n);
                remaining -= n;
            }
        }
        return d;
    }

    private InputStream openShared(UploadSession s) throws IOException {
        List<UploadRepository.Chunk> parts = repository.chunks(s.id());
        long expected = 0;
        for (UploadRepository.Chunk c : parts) {
            if (c.start() != expected) {
                throw new IOException("upload " + s.id() + " lacks the piece at " + expected);
            }
            expected += c.length();
        }
        Iterator<String> names = parts.stream().map(UploadRepository.Chunk::object).iterator();
        return new SequenceInputStream(new Enumeration<>() {
            @Override
            public boolean hasMoreElements() { return names.hasNext(); }

            @Override
            public InputStream nextElement() {
                try {
                    return shared.get(names.next());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    /** Deletes the upload's pieces from shared storage, and their rows. */
    void removeShared(String id) {
        if (shared == null) {
            return;
        }
        for (UploadRepository.Chunk c : repository.chunks(id)) {
            deleteSharedQuietly(c.object());
        }
        repository.deleteChunks(id);
    }

    void removeLocal(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            log.warn("could not delete staged bytes of upload {}: {}", id, e.toString());
        }
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

    private void deleteSharedQuietly(String object) {
        try {
            shared.delete(object);
        } catch (IOException e) {
            log.warn("could not delete {} from shared storage (a bucket lifecycle rule on staging/ removes it): {}",
                    object, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", file, e.toString());
        }
    }
}
