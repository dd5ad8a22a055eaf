package dev.depot.upload;

import dev.depot.core.DepotException;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.StoredBlob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging in one file per upload on this node ({@code <staging>/<id>.part}); {@link StagedHashes}
 * hashes the accepted bytes behind the writer, so completing waits only for what it has not
 * caught up with, and the file is moved into the blob store.
 */
final class LocalStaging implements Staging {
    private static final Logger log = LoggerFactory.getLogger(LocalStaging.class);

    private final UploadRepository repository;
    private final StagingFolder folder;
    private final ConcurrentHashMap<String, StagedHashes> hashes = new ConcurrentHashMap<>();

    LocalStaging(UploadRepository repository, StagingFolder folder) {
        this.repository = repository;
        this.folder = folder;
    }

    @Override
    public void create(String id) {
        try {
            Files.deleteIfExists(folder.file(id));
            Files.createFile(folder.file(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Piece piece(String id, long offset) throws WriteFailed {
        try {
            return new LocalPiece(folder.file(id), offset);
        } catch (IOException e) {
            throw new WriteFailed(e);
        }
    }

    @Override
    public void accepted(UploadSession s, long end) {
        hashesOf(s).advanceTo(end);
    }

    private StagedHashes hashesOf(UploadSession s) {
        return hashes.computeIfAbsent(s.id(), id -> new StagedHashes(folder.file(id), s.needsSha1()));
    }

    @Override
    public UploadSession reconcile(UploadSession s) {
        if (s.sha256() != null || hashes.containsKey(s.id())) {
            return s; // this node has followed the session since it started, or its digests are recorded
        }
        long have;
        try {
            have = Files.size(folder.file(s.id()));
        } catch (IOException e) {
            have = 0;
        }
        if (have >= s.offset()) {
            return s;
        }
        if (repository.rewind(s.id(), s.offset(), have)) {
            log.warn("upload {} had {} bytes staged of {} recorded; it continues from {}", s.id(), have, s.offset(), have);
            return s.at(have, s.totalLength());
        }
        return repository.byId(s.id()).orElseThrow(() -> new DepotException.NotFound("unknown_upload", "Not found."));
    }

    @Override
    public Completion complete(UploadSession s) {
        return new Completion() {
            @Override
            public Digests digests() throws IOException, InterruptedException {
                try {
                    return hashesOf(s).await(s.offset());
                } catch (IOException | RuntimeException | InterruptedException e) {
                    hashes.remove(s.id());
                    throw e;
                }
            }

            @Override
            public StoredBlob store(BlobStore blobs, BlobKey key, boolean stored) throws IOException {
                Path file = folder.file(s.id());
                if (Files.exists(file)) {
                    return blobs.importFile(file, key);
                }
                if (stored) {
                    return new StoredBlob(key, s.offset()); // moved into the store before a crash
                }
                throw new Lost("the staged bytes of upload " + s.id() + " are gone");
            }

            @Override
            public void close() {
                // nothing was assembled: the staged file itself moves into the store
            }
        };
    }

    @Override
    public void completed(String id) {
        hashes.remove(id);
    }

    @Override
    public void remove(String id) {
        hashes.remove(id);
        try {
            Files.deleteIfExists(folder.file(id));
        } catch (IOException e) {
            log.warn("could not delete staged bytes of upload {}: {}", id, e.toString());
        }
    }

    @Override
    public int sweep(long before, Predicate<String> sessionExists) {
        return folder.sweep(before, sessionExists);
    }

    /** A piece written straight into the staged file; refusing it cuts the file back to where it began. */
    private static final class LocalPiece extends StagingFolder.ChannelPiece {
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
}
