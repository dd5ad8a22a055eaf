package dev.depot.upload;

import dev.depot.core.DepotException;
import dev.depot.core.StorageFull;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a chunk's bytes into staging and records the new offset. A chunk is accepted whole or not
 * at all ({@link #whole}), or, for a long body without a chunk checksum, as it arrives, with the
 * offset recorded every {@code checkpointBytes} so a body cut short (or a crash) keeps what
 * arrived ({@link #stream}).
 */
final class ChunkReceiver {
    private static final Logger log = LoggerFactory.getLogger(ChunkReceiver.class);

    private final UploadRepository repository;
    private final Staging staging;
    private final long checkpointBytes;
    private final Counter chunks;
    private final Counter bytesReceived;

    ChunkReceiver(UploadRepository repository, Staging staging, long checkpointBytes, MeterRegistry metrics) {
        this.repository = repository;
        this.staging = staging;
        this.checkpointBytes = Math.max(1 << 16, checkpointBytes);
        this.chunks = Counter.builder("depot.uploads.chunks").description("chunks appended to uploads").register(metrics);
        this.bytesReceived = Counter.builder("depot.uploads.bytes").description("bytes appended to uploads").register(metrics);
    }

    /** Receives up to {@code room} bytes at {@code offset}; returns the upload's new offset. */
    long receive(UploadSession s, long offset, Long total, InputStream data, long length, long room, Checksum chunkChecksum,
                 boolean keepReceived) {
        return keepReceived && chunkChecksum == null
                ? stream(s, offset, total, data, room)
                : whole(s, offset, total, data, length, room, chunkChecksum);
    }

    /** Receives a chunk as one piece, checks it, and records it; nothing of it stays when a check fails. */
    long whole(UploadSession s, long offset, Long total, InputStream data, long length, long room,
                       Checksum chunkChecksum) {
        MessageDigest chunkDigest = chunkChecksum == null ? null : chunkChecksum.newDigest();
        Staging.Piece piece = openPiece(s, offset);
        long written;
        try {
            try {
                written = piece.receive(data, room, chunkDigest);
                if (written == room && data.read() != -1) {
                    written++; // a body longer than declared is a size mismatch too
                }
            } catch (Staging.WriteFailed e) {
                throw stagingFailed(s, e);
            } catch (IOException e) {
                throw new DepotException.Invalid("interrupted", "The chunk was not received completely: " + e.getMessage());
            }
            if (length >= 0 ? written != length : written > room) {
                if (length < 0) {
                    throw new DepotException.Invalid("past_end", "The chunk runs past the end of the upload.");
                }
                throw new DepotException.Invalid("size_mismatch", "The chunk holds " + written
                        + " bytes but " + length + " were declared.");
            }
            if (chunkDigest != null && !chunkChecksum.matches(chunkDigest.digest())) {
                throw new DepotException.Invalid("chunk_checksum_mismatch",
                        "The chunk does not match its " + chunkChecksum.algorithm() + " checksum; it was discarded.");
            }
        } catch (RuntimeException e) {
            piece.discard();
            throw e;
        }
        return commit(s, piece, offset, written, total);
    }

    /**
     * Receives a body as it arrives, recording the offset after every {@code checkpointBytes}; a
     * body cut short keeps what arrived. Returns the new offset.
     */
    long stream(UploadSession s, long offset, Long total, InputStream data, long room) {
        long accepted = offset;
        Staging.Piece piece = openPiece(s, accepted);
        long received = 0;
        IOException broken = null;
        boolean overflow = false;
        try {
            while (accepted - offset < room) {
                long want = Math.min(checkpointBytes, room - (accepted - offset));
                received = piece.receive(data, want, null);
                if (received < want) {
                    break; // the body ended
                }
                accepted = commit(s, piece, accepted, received, total);
                received = 0;
                piece = null;
                piece = staging.piece(s.id(), accepted);
            }
            overflow = accepted - offset == room && data.read() != -1;
        } catch (IOException e) {
            broken = e;
            received = piece == null ? 0 : piece.received();
        } catch (RuntimeException e) {
            if (piece != null) {
                piece.discard();
            }
            throw e;
        }
        if (received > 0) {
            accepted = commit(s, piece, accepted, received, total);
        } else if (piece != null) {
            piece.discard();
        }
        if (broken instanceof Staging.WriteFailed e) {
            throw stagingFailed(s, e);
        }
        if (broken != null) {
            throw new DepotException.Invalid("interrupted", "The body was cut short at offset " + accepted
                    + "; what arrived is kept: " + broken.getMessage());
        }
        if (overflow) {
            throw new DepotException.Invalid("past_end", "The body runs past the end of the upload; the upload keeps "
                    + accepted + " bytes.");
        }
        return accepted;
    }

    private Staging.Piece openPiece(UploadSession s, long offset) {
        try {
            return staging.piece(s.id(), offset);
        } catch (Staging.WriteFailed e) {
            throw stagingFailed(s, e);
        }
    }

    /** A chunk staging could not write: 507 when the disk is full (the client sends it again later), else 503. */
    private static DepotException stagingFailed(UploadSession s, IOException e) {
        if (StorageFull.causedBy(e)) {
            log.warn("no room to stage upload {}: {}", s.id(), e.getMessage());
            return StorageFull.error();
        }
        log.warn("could not stage upload {}: {}", s.id(), e.toString());
        return new DepotException.Unavailable("staging_unavailable", "The server could not write the chunk; nothing of it "
                + "was kept. Send it again later.");
    }

    /** Records {@code n} received bytes at {@code from} (storing the piece first when staging is shared). */
    private long commit(UploadSession s, Staging.Piece piece, long from, long n, Long total) {
        String object;
        try {
            object = piece.store();
        } catch (IOException e) {
            piece.discard();
            log.warn("piece at {} of upload {} could not be stored: {}", from, s.id(), e.toString());
            throw new DepotException.Unavailable("storage_unavailable",
                    "The storage did not take the chunk; nothing was kept. Send it again later.");
        }
        if (!repository.advance(s.id(), from, from + n, total, object)) {
            piece.undo(object);
            throw new DepotException.Conflict("concurrent_append", "Another request changed this upload at the same time.");
        }
        staging.accepted(s, from + n);
        chunks.increment();
        bytesReceived.increment(n);
        return from + n;
    }

}
