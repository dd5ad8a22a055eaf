package dev.depot.storage;

import dev.depot.core.RandomAccessBytes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Immutable bytes addressed by their SHA-256. Implementations guarantee that a blob becomes
 * visible only once it is complete and durable: no reader ever sees a partial blob, and a failed
 * or interrupted write leaves nothing behind. Writing bytes that are already stored is a no-op.
 */
public interface BlobStore {

    /** Streams {@code in} into the store, hashing it on the way, and returns its key and size. */
    StoredBlob write(InputStream in) throws IOException;

    /**
     * Takes over a local file whose SHA-256 the caller computed while receiving it (an upload's
     * staged bytes). The file is consumed: moved into the store or deleted.
     */
    StoredBlob importFile(Path file, BlobKey key) throws IOException;

    /** The blob's size, or empty when it is not stored. */
    Optional<Long> size(BlobKey key) throws IOException;

    default boolean exists(BlobKey key) throws IOException {
        return size(key).isPresent();
    }

    /**
     * Opens {@code length} bytes starting at {@code offset}.
     *
     * @throws java.nio.file.NoSuchFileException when the blob is not stored
     * @throws IllegalArgumentException when the range lies outside the blob
     */
    InputStream read(BlobKey key, long offset, long length) throws IOException;

    /**
     * The blob's bytes for reading at any position: the local file when there is one, else ranged
     * reads of the store (a zip's directory without the whole archive).
     */
    default RandomAccessBytes openRandomAccess(BlobKey key, long size) throws IOException {
        Optional<Path> local = localFile(key);
        return local.isPresent() ? RandomAccessBytes.open(local.get()) : new RangedBlobBytes(this, key, size);
    }

    /** A local file holding the blob, when the backend has one; lets downloads use zero-copy I/O. */
    default Optional<Path> localFile(BlobKey key) {
        return Optional.empty();
    }

    /** A time-limited URL a client can fetch the blob from directly, when the backend offers one. */
    default Optional<URI> presignedDownload(BlobKey key, String fileName, Duration ttl) {
        return Optional.empty();
    }

    /** Removes the blob; removing one that is not stored does nothing. */
    void delete(BlobKey key) throws IOException;

    /** Throws when the store cannot take a write right now; used by readiness checks. */
    void checkWritable() throws IOException;
}
