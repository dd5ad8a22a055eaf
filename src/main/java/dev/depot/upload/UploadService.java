package dev.depot.upload;

import dev.depot.auth.Principal;
import dev.depot.core.DepotException;
import dev.depot.core.SafeFileName;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.ScratchStore;
import dev.depot.storage.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.HexFormat;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads, shared by every upload protocol. A session lives in the database; its bytes
 * are staged in {@code <staging>/<id>.part}. Each chunk is written at the session's offset and
 * acknowledged once recorded; {@link StagedHashes} hashes the accepted bytes in the background while
 * the client sends the next chunk, so finalizing waits for little more than the last chunk's hash.
 * A node that has no hash state for a session (after a restart) starts it from the first byte.
 */
public final class UploadService {
    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final int BUFFER = 256 * 1024;
    /** A completion mark older than this is from a node that died while completing; another may take over. */
    private static final Duration FINALIZE_STALE = Duration.ofHours(1);
    private static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[0-9a-f-]{36}");

    private final UploadRepository repository;
    private final BlobStore blobs;
    /** Where chunks go when several nodes serve uploads; null keeps them in this node's {@link #staging}. */
    private final ScratchStore shared;
    private final Path staging;
    private final Path incoming;
    private final Clock clock;
    private final long maxBytes;
    private final Duration expiry;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, StagedHashes> hashes = new ConcurrentHashMap<>();

    private final Counter chunks;
    private final Counter bytesReceived;
    private final MeterRegistry metrics;

    public UploadService(Jdbi jdbi, BlobStore blobs, Path staging, Clock clock, long maxBytes, Duration expiry,
                         MeterRegistry metrics) {
        this(jdbi, blobs, null, staging, clock, maxBytes, expiry, metrics);
    }

    /**
     * With {@code shared}, every accepted chunk is stored there (and recorded in the database) so
     * that any node can take the next chunk or complete the upload; {@code staging} then only holds
     * a chunk while it arrives.
     */
    public UploadService(Jdbi jdbi, BlobStore blobs, ScratchStore shared, Path staging, Clock clock, long maxBytes,
                         Duration expiry, MeterRegistry metrics) {
        this.shared = shared;
        this.incoming = staging.resolve("incoming");
        this.metrics = metrics;
        this.chunks = Counter.builder("depot.uploads.chunks").description("chunks appended to uploads").register(metrics);
        this.bytesReceived = Counter.builder("depot.uploads.bytes").description("bytes appended to uploads").register(metrics);
        this.repository = new UploadRepository(jdbi);
        this.blobs = blobs;
        this.staging = staging;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.expiry = expiry;
        try {
            Files.createDirectories(staging);
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create upload staging directory " + staging, e);
        }
        sweepIncoming();
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
                totalLength, UploadSession.INCOMPLETE, now, null, now + expiry.toMillis(), Map.copyOf(metadata));
        if (shared == null) {
            try {
                Files.deleteIfExists(stagedFile(s.id()));
                Files.createFile(stagedFile(s.id()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        repository.insert(s);
        return s;
    }

    private void checkSize(long total) {
        if (total < 0) {
            throw new DepotException.Invalid("invalid_length", "The upload length cannot be negative.");
        }
        if (total > maxBytes) {
            throw new DepotException.Invalid("too_large", "Size of file exceeds the limit (" + maxBytes + " bytes)");
        }
    }

    /** The caller's session, or NotFound (also for another user's session). */
    public UploadSession session(Principal owner, String id) {
        Optional<UploadSession> found = id != null && SESSION_ID.matcher(id).matches() ? repository.byId(id) : Optional.empty();
        return found.filter(s -> s.userId() == owner.userId()).orElseThrow(() ->
                new DepotException.NotFound("unknown_upload", "Not found."));
    }

    public List<UploadSession> sessionsOf(Principal owner, String protocol) {
        return repository.byUser(owner.userId(), protocol);
    }

    public UploadSession append(Principal owner, String id, long offset, Long totalLength, InputStream data,
                                long length) {
        return append(owner, id, offset, totalLength, data, length, null);
    }

    /**
     * Appends {@code length} bytes read from {@code data} at {@code offset} ({@code length} -1: until
     * the stream ends). The offset must equal the session's; a chunk may not run past the declared
     * total. With {@code chunkChecksum} the chunk must match it. On any failure the staged bytes
     * and the hash state are rolled back to the chunk's start.
     */
    public UploadSession append(Principal owner, String id, long offset, Long totalLength, InputStream data,
                                long length, Checksum chunkChecksum) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            UploadSession s = requireWritable(owner, id);
            if (totalLength != null) {
                checkSize(totalLength);
                if (s.totalLength() != null && !s.totalLength().equals(totalLength)) {
                    throw new DepotException.Invalid("length_mismatch", "The total length " + totalLength
                            + " differs from the upload's length " + s.totalLength() + ".");
                }
            }
            if (s.offset() != offset) {
                throw new DepotException.Invalid("offset_mismatch", "Offsets do not match",
                        Map.of("expected_offset", s.offset(), "provided_offset", offset));
            }
            Long total = totalLength != null ? totalLength : s.totalLength();
            long limit = length >= 0 ? length : (total != null ? total - offset : maxBytes - offset);
            if (total != null && offset + length > total) {
                throw new DepotException.Invalid("past_end", "The chunk runs past the end of the file (" + total + " bytes).");
            }
            if (offset + length > maxBytes) {
                throw new DepotException.Invalid("too_large", "Size of file exceeds the limit (" + maxBytes + " bytes)");
            }
            MessageDigest chunkDigest = chunkChecksum == null ? null : chunkChecksum.newDigest();
            Path file = shared == null ? stagedFile(id) : incoming.resolve(id + "-" + offset + "-" + UUID.randomUUID() + ".chunk");
            long written;
            try {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
                    if (shared == null) {
                        ch.truncate(offset);
                        ch.position(offset);
                    }
                    written = copy(data, ch, chunkDigest, limit);
                } catch (IOException e) {
                    throw new DepotException.Invalid("interrupted", "The chunk was not received completely: " + e.getMessage());
                }
                if (length >= 0 ? written != length : written > limit) {
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
                dropReceived(file, offset);
                throw e;
            }
            String object = null;
            if (shared != null) {
                object = "uploads/" + id + "/" + offset + "-" + UUID.randomUUID();
                try {
                    shared.put(object, file);
                } catch (IOException e) {
                    log.warn("chunk at {} of upload {} could not be stored: {}", offset, id, e.toString());
                    throw new DepotException.Unavailable("storage_unavailable",
                            "The storage did not take the chunk; nothing was kept. Send it again later.");
                } finally {
                    dropReceived(file, offset);
                }
            }
            if (!repository.advance(id, offset, offset + written, totalLength, object)) {
                if (object != null) {
                    deleteSharedQuietly(object);
                } else {
                    truncateQuietly(file, offset);
                }
                throw new DepotException.Conflict("concurrent_append", "Another request changed this upload at the same time.");
            }
            if (shared == null) {
                // shared staging hashes at completion, when it reads the chunks back anyway
                hashes.computeIfAbsent(id, k -> new StagedHashes(stagedFile(k))).advanceTo(offset + written);
            }
            chunks.increment();
            bytesReceived.increment(written);
            // the row as the conditional update left it, without reading it back
            return new UploadSession(s.id(), s.userId(), s.protocol(), s.fileName(), offset + written,
                    s.totalLength() != null ? s.totalLength() : totalLength, s.status(), s.createdAt(), s.completedAt(),
                    s.expiresAt(), s.metadata());
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

    /**
     * Reads up to {@code length} bytes (stopping early at end of stream), writing and hashing them;
     * returns one more than {@code length} when the stream holds more.
     */
    private static long copy(InputStream in, FileChannel out, MessageDigest chunkDigest, long length) throws IOException {
        byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(length, 1))];
        long total = 0;
        while (total < length) {
            int want = (int) Math.min(buf.length, length - total);
            int n = in.readNBytes(buf, 0, want);
            if (n <= 0) {
                break;
            }
            if (chunkDigest != null) {
                chunkDigest.update(buf, 0, n);
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            while (bb.hasRemaining()) {
                out.write(bb);
            }
            total += n;
            if (n < want) {
                break;
            }
        }
        // A body longer than declared is a size mismatch too.
        if (total == length && in.read() != -1) {
            return total + 1;
        }
        return total;
    }

    /** Hashes the first {@code length} staged bytes, copying them to {@code copy} when it is not null. */
    private UploadDigests hashStaged(UploadSession s, Path copy) throws IOException {
        UploadDigests d = new UploadDigests();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = openStaged(s);
             var out = copy == null ? java.io.OutputStream.nullOutputStream() : Files.newOutputStream(copy)) {
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

    /** The staged bytes from the start: this node's file, or the chunks in shared storage one after another. */
    private InputStream openStaged(UploadSession s) throws IOException {
        if (shared == null) {
            return Files.newInputStream(stagedFile(s.id()));
        }
        List<UploadRepository.Chunk> parts = repository.chunks(s.id());
        long expected = 0;
        for (UploadRepository.Chunk c : parts) {
            if (c.start() != expected) {
                throw new IOException("upload " + s.id() + " lacks the chunk at " + expected);
            }
            expected += c.length();
        }
        var names = parts.stream().map(UploadRepository.Chunk::object).iterator();
        return new java.io.SequenceInputStream(new java.util.Enumeration<>() {
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

    /**
     * Completes an upload: compares the client's checksum ({@code sha256} or {@code md5}), moves
     * the bytes into the blob store, and hands them to {@code register} (which creates the build).
     * A checksum mismatch or a failed registration discards the upload; no build and no new blob
     * remain. Storage that does not answer leaves the upload as it was, to be completed later.
     * One request at a time, across nodes, may complete an upload.
     */
    public <T> T finalizeUpload(Principal owner, String id, Checksum declared, Function<VerifiedUpload, T> register) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        Path assembled = null;
        try {
            UploadSession s = requireWritable(owner, id);
            if (s.totalLength() != null && s.offset() != s.totalLength()) {
                throw new DepotException.Invalid("incomplete", "The upload is incomplete: " + s.offset() + " of "
                        + s.totalLength() + " bytes received.");
            }
            long now = clock.millis();
            if (!repository.beginFinalize(id, now, now - FINALIZE_STALE.toMillis())) {
                throw new DepotException.Conflict("finalizing", "Another request is completing this upload.");
            }
            String sha256;
            String md5;
            Path file;
            try {
                if (shared == null) {
                    file = stagedFile(id);
                    String[] hex = hashes.computeIfAbsent(id, k -> new StagedHashes(stagedFile(k))).await(s.offset());
                    sha256 = hex[0];
                    md5 = hex[1];
                } else {
                    assembled = incoming.resolve(id + "-" + UUID.randomUUID() + ".whole");
                    UploadDigests d = hashStaged(s, assembled);
                    file = assembled;
                    sha256 = d.sha256Hex();
                    md5 = d.md5Hex();
                }
            } catch (IOException | UncheckedIOException | InterruptedException e) {
                hashes.remove(id);
                repository.endFinalize(id);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.warn("upload {} could not be read back: {}", id, e.toString());
                throw new DepotException.Unavailable("storage_unavailable",
                        "The storage did not return the upload's bytes; complete it again later.");
            }
            if (declared != null) {
                String actual = switch (declared.algorithm()) {
                    case "sha256" -> sha256;
                    case "md5" -> md5;
                    default -> {
                        repository.endFinalize(id);
                        throw new DepotException.Invalid("unsupported_checksum",
                                "A whole upload is checked with sha256 or md5, not " + declared.algorithm() + ".");
                    }
                };
                if (!declared.matches(HexFormat.of().parseHex(actual))) {
                    finished("checksum_mismatch");
                    discard(id);
                    throw new DepotException.Invalid("checksum_mismatch", declared.algorithm() + " checksum does not match");
                }
            }
            BlobKey key = new BlobKey(sha256);
            boolean existed;
            StoredBlob blob;
            try {
                existed = blobs.exists(key);
                blob = blobs.importFile(file, key);
            } catch (IOException e) {
                repository.endFinalize(id);
                log.warn("upload {} could not be stored: {}", id, e.toString());
                throw new DepotException.Unavailable("storage_unavailable",
                        "The storage did not take the upload; it is kept. Complete it again later.");
            }
            try {
                T result = register.apply(new VerifiedUpload(s, blob, sha256, md5));
                repository.markComplete(id, clock.millis());
                hashes.remove(id);
                removeShared(id);
                finished("ok");
                return result;
            } catch (RuntimeException e) {
                finished("rejected");
                if (!existed) {
                    deleteBlobQuietly(key);
                }
                discard(id);
                throw e;
            }
        } finally {
            if (assembled != null) {
                try {
                    Files.deleteIfExists(assembled);
                } catch (IOException ignored) {
                    // a leftover in incoming/ goes with the sweep at the next start
                }
            }
            lock.unlock();
            locks.remove(id, lock);
        }
    }

    private void finished(String result) {
        Counter.builder("depot.uploads.finalized").description("uploads finalized, by result").tag("result", result)
                .register(metrics).increment();
    }

    /** Removes a session and its staged bytes. */
    public void discard(String id) {
        removeShared(id);
        repository.delete(id);
        hashes.remove(id);
        try {
            Files.deleteIfExists(stagedFile(id));
        } catch (IOException e) {
            log.warn("could not delete staged bytes of upload {}: {}", id, e.toString());
        }
    }

    /** Deletes the upload's chunks from shared storage, and their rows. */
    private void removeShared(String id) {
        if (shared == null) {
            return;
        }
        for (UploadRepository.Chunk c : repository.chunks(id)) {
            deleteSharedQuietly(c.object());
        }
        repository.deleteChunks(id);
    }

    private void deleteSharedQuietly(String object) {
        try {
            shared.delete(object);
        } catch (IOException e) {
            log.warn("could not delete {} from shared storage (a bucket lifecycle rule on staging/ removes it): {}",
                    object, e.toString());
        }
    }

    /** Forgets a chunk that was not accepted: cuts this node's file back, or deletes the arrived copy. */
    private void dropReceived(Path file, long offset) {
        if (shared == null) {
            truncateQuietly(file, offset);
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", file, e.toString());
        }
    }

    /** Deletes what requests that died left in {@code incoming/} (files untouched for an hour). */
    private void sweepIncoming() {
        long before = clock.millis() - Duration.ofHours(1).toMillis();
        try (var files = Files.list(incoming)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.getLastModifiedTime(f).toMillis() < before) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            log.warn("could not clean {}: {}", incoming, e.toString());
        }
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

    Path stagedFile(String id) {
        return staging.resolve(id + ".part");
    }

    private static void truncateQuietly(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException ignored) {
            // the next append truncates to the recorded offset anyway
        }
    }

    private void deleteBlobQuietly(BlobKey key) {
        try {
            blobs.delete(key);
        } catch (IOException e) {
            log.warn("could not delete blob {} of a failed upload: {}", key, e.toString());
        }
    }
}
