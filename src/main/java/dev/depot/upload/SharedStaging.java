package dev.depot.upload;

import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.ScratchStore;
import dev.depot.storage.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging that every node sharing the database can continue: each accepted piece is one object
 * of the shared scratch store, recorded in {@code upload_chunks} with the offset that accepted it.
 * Completing reads the pieces back in order, hashing them into one file that moves into the
 * blob store.
 */
final class SharedStaging implements Staging {
    private static final Logger log = LoggerFactory.getLogger(SharedStaging.class);

    private final UploadRepository repository;
    private final ScratchStore shared;
    private final StagingFolder folder;

    SharedStaging(UploadRepository repository, ScratchStore shared, StagingFolder folder) {
        this.repository = repository;
        this.shared = shared;
        this.folder = folder;
    }

    @Override
    public void create(String id) {
        // nothing until the first piece arrives
    }

    @Override
    public Piece piece(String id, long offset) throws WriteFailed {
        try {
            return new SharedPiece(id, offset, folder.incoming(id + "-" + offset, ".chunk"));
        } catch (IOException e) {
            throw new WriteFailed(e);
        }
    }

    @Override
    public void accepted(UploadSession s, long end) {
        // hashed at completion, when the pieces are read back anyway
    }

    @Override
    public UploadSession reconcile(UploadSession s) {
        return s; // a piece is recorded only once the shared store holds it
    }

    @Override
    public Completion complete(UploadSession s) {
        return new Completion() {
            private Path assembled;

            @Override
            public Digests digests() throws IOException {
                assembled = folder.incoming(s.id(), ".whole");
                return assemble(s, assembled);
            }

            @Override
            public StoredBlob store(BlobStore blobs, BlobKey key, boolean stored) throws IOException {
                if (assembled == null) { // the digests were recorded by an interrupted completion
                    if (stored) {
                        return new StoredBlob(key, s.offset());
                    }
                    assembled = folder.incoming(s.id(), ".whole");
                    assemble(s, assembled);
                }
                return blobs.importFile(assembled, key);
            }

            @Override
            public void close() {
                if (assembled != null) {
                    StagingFolder.deleteQuietly(assembled);
                }
            }
        };
    }

    /** Copies the upload's pieces, in order, into {@code to}, hashing them on the way. */
    private Digests assemble(UploadSession s, Path to) throws IOException {
        UploadDigests d = new UploadDigests(s.needsSha1());
        byte[] buf = new byte[StagingFolder.BUFFER];
        try (InputStream in = openPieces(s); OutputStream out = Files.newOutputStream(to)) {
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
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return d.digests();
    }

    private InputStream openPieces(UploadSession s) throws IOException {
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

    @Override
    public void completed(String id) {
        remove(id);
    }

    /** Deletes the upload's pieces from shared storage, and their rows. */
    @Override
    public void remove(String id) {
        for (UploadRepository.Chunk c : repository.chunks(id)) {
            deleteQuietly(c.object());
        }
        repository.deleteChunks(id);
    }

    @Override
    public int sweep(long before, Predicate<String> sessionExists) {
        return folder.sweep(before, sessionExists);
    }

    private void deleteQuietly(String object) {
        try {
            shared.delete(object);
        } catch (IOException e) {
            log.warn("could not delete {} from shared storage (a bucket lifecycle rule on staging/ removes it): {}",
                    object, e.toString());
        }
    }

    /** A piece received into a temporary file, then stored as one object of shared storage. */
    private final class SharedPiece extends StagingFolder.ChannelPiece {
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
                StagingFolder.deleteQuietly(file);
            }
        }

        @Override
        public void undo(String name) {
            deleteQuietly(name);
        }

        @Override
        public void discard() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // deleted next
            }
            StagingFolder.deleteQuietly(file);
        }
    }
}
