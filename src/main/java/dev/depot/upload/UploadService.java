package dev.depot.upload;

import dev.depot.auth.Principal;
import dev.depot.cluster.NodeRegistry;
import dev.depot.config.UploadSettings;
import dev.depot.core.DepotException;
import dev.depot.core.SafeFileName;
import dev.depot.core.StorageFull;
import dev.depot.storage.BlobHolds;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.ScratchStore;
import dev.depot.storage.StoredBlob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads, shared by every upload protocol. A session lives in the database; its bytes
 * wait in {@link Staging}: a file per upload on this node ({@link LocalStaging}, which hashes
 * accepted bytes behind the writer, so finalizing waits for little more than the last chunk's
 * hash), or one object per accepted piece in shared storage when several nodes serve uploads
 * ({@link SharedStaging}). Bytes are acknowledged once their new offset is recorded.
 *
 * <p>Crashes: a long body (a tus PATCH of the whole file) records its offset every
 * {@code checkpointBytes}, so a resume after {@code kill -9} loses at most that much. Completing an
 * upload is claimed by this node in the database; the claim of a node that is gone is void
 * ({@link NodeRegistry}), the digests are recorded before the bytes move into the blob store, and
 * the registration finds the build of an earlier, interrupted completion, so completing again
 * after a crash gives the same build as an uninterrupted upload.
 */
public final class UploadService {
    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final Pattern SESSION_ID = Pattern.compile("[0-9a-f-]{36}");

    private final UploadRepository repository;
    private final BlobStore blobs;
    private final Staging staging;
    private final NodeRegistry nodes;
    private final Clock clock;
    private final long maxBytes;
    private final Duration expiry;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final BlobHolds holds;

    private final ChunkReceiver receiver;
    private final MeterRegistry metrics;

    /**
     * With {@code shared}, every accepted piece is stored there (and recorded in the database) so
     * that any node can take the next chunk or complete the upload; {@code staging} then only holds
     * a piece while it arrives.
     */
    public UploadService(UploadRepository repository, BlobStore blobs, BlobHolds holds, ScratchStore shared, Path staging, Clock clock,
                         UploadSettings settings, NodeRegistry nodes, MeterRegistry metrics) {
        this.repository = repository;
        this.blobs = blobs;
        this.holds = holds;
        StagingFolder folder = new StagingFolder(staging);
        this.staging = shared == null ? new LocalStaging(repository, folder) : new SharedStaging(repository, shared, folder);
        this.nodes = nodes;
        this.clock = clock;
        this.maxBytes = settings.maxBytes();
        this.expiry = settings.expiry();
        this.metrics = metrics;
        this.receiver = new ChunkReceiver(repository, this.staging, settings.checkpointBytes(), metrics);
    }

    /** The name under which an upload holds its bytes in the blob store until it becomes a build or goes. */
    static String blobHolder(String uploadId) {
        return "upload:" + uploadId;
    }

    public long maxBytes() { return maxBytes; }

    /** Starts a session for {@code owner}; {@code totalLength} may be null when not yet known. */
    public UploadSession open(Principal owner, String protocol, String fileName, Long totalLength) {
        return open(owner, protocol, fileName, totalLength, Map.of());
    }

    public UploadSession open(Principal owner, String protocol, String fileName, Long totalLength,
                              Map<String, String> metadata) {
        new SafeFileName(fileName);
        if (totalLength != null) {
            checkSize(totalLength);
        }
        long now = clock.millis();
        UploadSession s = new UploadSession(UUID.randomUUID().toString(), owner.userId(), protocol, fileName, 0,
                totalLength, UploadSession.INCOMPLETE, now, null, now + expiry.toMillis(), Map.copyOf(metadata), null, null,
                null);
        staging.create(s.id());
        repository.insert(s);
        return s;
    }

    /** An upload of {@code total} bytes may be opened: not negative, not past the limit. */
    public void checkSize(long total) {
        if (total < 0) {
            throw new DepotException.Invalid("invalid_length", "The upload length cannot be negative.");
        }
        if (total > maxBytes) {
            throw new DepotException.Invalid("too_large", "Size of file exceeds the limit (" + maxBytes + " bytes)");
        }
    }

    /** A chunk goes where the upload ends, and nowhere else (a first chunk at 0). */
    public static void requireOffset(long expected, long provided) {
        if (expected != provided) {
            throw new DepotException.Invalid("offset_mismatch", "Offsets do not match",
                    Map.of("expected_offset", expected, "provided_offset", provided));
        }
    }

    /** The caller's session, or NotFound (also for another user's session). */
    public UploadSession session(Principal owner, String id) {
        Optional<UploadSession> found = id != null && SESSION_ID.matcher(id).matches() ? repository.byId(id) : Optional.empty();
        return found.filter(s -> s.userId() == owner.userId()).orElseThrow(() ->
                new DepotException.NotFound("unknown_upload", "Not found."));
    }

    /** The caller's session of this protocol, or NotFound (a session opened over another protocol is not one of its). */
    public UploadSession session(Principal owner, String id, String protocol) {
        UploadSession s = session(owner, id);
        if (!s.protocol().equals(protocol)) {
            throw new DepotException.NotFound("unknown_upload", "Not found.");
        }
        return s;
    }

    public List<UploadSession> sessionsOf(Principal owner, String protocol) {
        return repository.byUser(owner.userId(), protocol);
    }

    public UploadSession append(Principal owner, String id, long offset, Long totalLength, InputStream data,
                                long length) {
        return append(owner, id, offset, totalLength, data, length, null, false);
    }

    /**
     * Appends {@code length} bytes read from {@code data} at {@code offset} ({@code length} -1: until
     * the stream ends). The offset must equal the session's; a chunk may not run past the declared
     * total. With {@code chunkChecksum} the chunk must match it.
     *
     * <p>Without {@code keepReceived} a chunk is accepted whole or not at all: on any failure the
     * staged bytes and the hash state are rolled back to the chunk's start. With it (and no chunk
     * checksum), the body is accepted as it arrives: the offset is recorded every
     * {@code checkpointBytes}, and a body cut short keeps what arrived, as tus asks of a server.
     */
    public UploadSession append(Principal owner, String id, long offset, Long totalLength, InputStream data,
                                long length, Checksum chunkChecksum, boolean keepReceived) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            UploadSession s = staging.reconcile(requireWritable(owner, id));
            if (totalLength != null) {
                checkSize(totalLength);
                if (s.totalLength() != null && !s.totalLength().equals(totalLength)) {
                    throw new DepotException.Invalid("length_mismatch", "The total length " + totalLength
                            + " differs from the upload's length " + s.totalLength() + ".");
                }
            }
            requireOffset(s.offset(), offset);
            Long total = totalLength != null ? totalLength : s.totalLength();
            if (total != null && offset + length > total) {
                throw new DepotException.Invalid("past_end", "The chunk runs past the end of the file (" + total + " bytes).");
            }
            if (offset + length > maxBytes) {
                throw new DepotException.Invalid("too_large", "Size of file exceeds the limit (" + maxBytes + " bytes)");
            }
            long room = length >= 0 ? length : (total != null ? total - offset : maxBytes - offset);
            long end = receiver.receive(s, offset, total, data, length, room, chunkChecksum, keepReceived);
            // the row as the conditional updates left it, without reading it back
            return s.at(end, total);
        } finally {
            lock.unlock();
        }
    }

    /** The caller's session if it can still take bytes: NotFound, Gone (expired) or Invalid (complete) otherwise. */
    public UploadSession writableSession(Principal owner, String id) {
        return requireWritable(owner, id);
    }

    private UploadSession requireWritable(Principal owner, String id) {
        UploadSession s = session(owner, id);
        if (s.expiresAt() <= clock.millis()) {
            throw new DepotException.Gone("expired", "Upload has expired");
        }
        if (s.complete()) {
            throw new DepotException.Invalid("already_complete", "Upload has already been marked as \"complete\"");
        }
        return s;
    }

    /** Whether a live node is completing this upload now. */
    public boolean beingCompleted(UploadSession s) {
        return repository.claimedByLiveNode(s.id(), nodes.liveSince());
    }

    /**
     * Completes an upload: compares the client's checksum ({@code sha256} or {@code md5}), moves
     * the bytes into the blob store, and hands them to {@code register}, which creates the build,
     * or returns the one an interrupted completion of this upload created. A checksum mismatch or
     * a refused registration discards the upload, and no new blob remains. Storage or a database
     * that does not answer leaves the upload as it was, to be completed later. One request at a
     * time, across nodes, may complete an upload.
     */
    public <T> T finalizeUpload(Principal owner, String id, Checksum declared, Function<VerifiedUpload, T> register) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        boolean claimed = false;
        try {
            UploadSession s = staging.reconcile(requireWritable(owner, id));
            if (s.totalLength() != null && s.offset() != s.totalLength()) {
                throw new DepotException.Invalid("incomplete", "The upload is incomplete: " + s.offset() + " of "
                        + s.totalLength() + " bytes received.");
            }
            if (!repository.claim(id, clock.millis(), nodes.nodeId(), nodes.liveSince())) {
                throw new DepotException.Conflict("finalizing", "Another request is completing this upload.");
            }
            claimed = true;
            Staging.Completion completion = staging.complete(s);
            try {
                T result = complete(s, completion, declared, register);
                claimed = false; // complete() released it: by marking the upload complete, or by discarding it
                return result;
            } finally {
                completion.close();
            }
        } finally {
            if (claimed) {
                releaseClaimQuietly(id);
            }
            lock.unlock();
            locks.remove(id, lock);
        }
    }

    /**
     * Completes a claimed upload. Returns once the upload is complete; a refused upload (wrong
     * checksum, a registration that says no) is discarded, which ends the claim too; storage or a
     * database that does not answer leaves the claim for the caller to release.
     */
    private <T> T complete(UploadSession s, Staging.Completion completion, Checksum declared,
                           Function<VerifiedUpload, T> register) {
        String id = s.id();
        Staging.Digests digests = s.sha256() != null ? new Staging.Digests(s.sha256(), s.md5(), s.sha1())
                : digestsOf(completion, s);
        if (declared != null && !digests.match(declared)) {
            finished("checksum_mismatch");
            discard(id);
            throw new DepotException.Invalid("checksum_mismatch", declared.algorithm() + " checksum does not match");
        }
        if (s.sha256() == null) {
            repository.recordDigests(id, digests);
        }
        BlobKey key = new BlobKey(digests.sha256());
        StoredBlob blob;
        try {
            holds.hold(digests.sha256(), blobHolder(id)); // before storing: a sweep leaves held bytes alone
            blob = completion.store(blobs, key, blobs.exists(key));
        } catch (Staging.Lost e) {
            discard(id);
            throw new DepotException.Gone("upload_lost", "The upload's bytes were lost; upload the file again.");
        } catch (IOException | UncheckedIOException e) {
            log.warn("upload {} could not be stored: {}", id, e.toString());
            if (StorageFull.causedBy(e)) {
                throw new DepotException.InsufficientStorage(
                        "There is no room left to store the upload; it is kept. Complete it again later.");
            }
            throw new DepotException.Unavailable("storage_unavailable",
                    "The storage did not take the upload; it is kept. Complete it again later.");
        }
        T result;
        try {
            result = register.apply(new VerifiedUpload(s, blob, digests.sha256(), digests.md5(), digests.sha1()));
        } catch (DepotException e) {
            if (e instanceof DepotException.Unavailable) {
                throw e;
            }
            finished("rejected");
            discard(id);
            throw e;
        }
        repository.markComplete(id, clock.millis());
        holds.release(blobHolder(id)); // the build holds the bytes now
        staging.completed(id);
        finished("ok");
        return result;
    }

    /** Every byte's digests, read back from staging; a staging that does not answer leaves the upload to complete later. */
    private static Staging.Digests digestsOf(Staging.Completion completion, UploadSession s) {
        try {
            return completion.digests();
        } catch (IOException | UncheckedIOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("upload {} could not be read back: {}", s.id(), e.toString());
            throw new DepotException.Unavailable("storage_unavailable",
                    "The storage did not return the upload's bytes; complete it again later.");
        }
    }

    private void releaseClaimQuietly(String id) {
        try {
            repository.releaseClaim(id, nodes.nodeId());
        } catch (RuntimeException e) {
            log.warn("could not release the completion claim on upload {} (void once this node is gone): {}", id, e.toString());
        }
    }

    private void finished(String result) {
        Counter.builder("depot.uploads.finalized").description("uploads finalized, by result").tag("result", result)
                .register(metrics).increment();
    }

    /** Removes a session and its staged bytes; bytes it stored go too unless something else holds them. */
    public void discard(String id) {
        staging.remove(id);
        repository.delete(id);
        holds.release(blobHolder(id));
    }

    /** Deletes expired sessions and their bytes; returns how many went. */
    public int removeExpired() {
        List<String> ids = repository.expired(clock.millis());
        for (String id : ids) {
            discard(id);
            locks.remove(id);
        }
        return ids.size();
    }

    /**
     * Sessions whose every byte arrived but that were never completed, and that no live node is
     * completing: what a crash during completion left.
     */
    public List<UploadSession> interrupted(String protocol) {
        return repository.fullButIncomplete(protocol, clock.millis(), nodes.liveSince());
    }

    /** Deletes staged files that belong to no session, and pieces of requests that died, last touched before {@code before}. */
    public int sweep(long before) {
        return staging.sweep(before, id -> repository.byId(id).isPresent());
    }
}
