package dev.depot.upload;

import dev.depot.core.DepotException;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.StoredBlob;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Predicate;

/**
 * Where an upload's accepted bytes wait for completion: {@link LocalStaging} (one file per upload
 * in this node's staging directory), or {@link SharedStaging} (one object per accepted piece in
 * shared storage, for several nodes serving uploads). A piece is written first and becomes part
 * of the upload only when its new offset is recorded.
 */
sealed interface Staging permits LocalStaging, SharedStaging {

    /** Prepares for a new session's bytes. */
    void create(String id);

    /** Bytes about to arrive at {@code offset}. */
    Piece piece(String id, long offset) throws WriteFailed;

    /** The upload's bytes below {@code end} are accepted (their offset is recorded). */
    void accepted(UploadSession s, long end);

    /**
     * The session as the staged bytes allow: when the machine lost what it had not yet written to
     * disk, the offset moves back to what is staged, so the client resends the rest.
     */
    UploadSession reconcile(UploadSession s);

    /** Starts completing an upload whose every byte arrived: its digests, then its move into the store. */
    Completion complete(UploadSession s);

    /** Lets go of a completed upload's staged bytes. */
    void completed(String id);

    /** Removes everything staged for an upload. */
    void remove(String id);

    /**
     * Deletes what requests that died left, and staged bytes of sessions that no longer exist,
     * last touched before {@code before}; returns how many files went.
     */
    int sweep(long before, Predicate<String> sessionExists);

    /** Bytes arriving at an offset, not yet part of the upload. */
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

    /** One attempt at completing an upload; closing it deletes what it assembled. */
    interface Completion extends Closeable {
        /** SHA-256, MD5 and (for APKs) SHA-1 of every byte of the upload. */
        Digests digests() throws IOException, InterruptedException;

        /** Moves the bytes into the blob store, unless an interrupted completion already did ({@code stored}). */
        StoredBlob store(BlobStore blobs, BlobKey key, boolean stored) throws IOException;

        @Override
        void close();
    }

    /** Hex digests of an upload; {@code sha1} is null when it was not needed. */
    record Digests(String sha256, String md5, String sha1) {
        /** Whether the client's checksum of the whole upload ({@code sha256} or {@code md5}) is these bytes'. */
        boolean match(Checksum declared) {
            String actual = switch (declared.algorithm()) {
                case "sha256" -> sha256;
                case "md5" -> md5;
                default -> throw new DepotException.Invalid("unsupported_checksum",
                        "A whole upload is checked with sha256 or md5, not " + declared.algorithm() + ".");
            };
            return declared.matches(HexFormat.of().parseHex(actual));
        }
    }

    /** Staging could not write what arrived (a full disk, say), as opposed to the sender's stream breaking. */
    final class WriteFailed extends IOException {
        WriteFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The staged bytes are gone (a disk replaced after a crash): the client must upload the file again. */
    final class Lost extends IOException {
        Lost(String message) {
            super(message);
        }
    }
}
