package dev.depot.api.download;

import dev.depot.api.Links;
import dev.depot.core.DepotException;
import dev.depot.delivery.ByteRange;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers with a blob's bytes per RFC 9110: {@code Range} (single ranges), {@code If-Range},
 * 206 and 416, a strong {@code ETag} (the SHA-256), {@code HEAD}. Local blobs are written from a
 * memory map, so bytes go from the page cache to the socket without passing through the heap.
 */
public final class BlobResponder {
    private static final long MAP_SLICE = 64L << 20;
    private final SharedMappings mappings = new SharedMappings();
    private static final Logger LOG = LoggerFactory.getLogger(BlobResponder.class);
    /** Each missing blob is logged once, not once per request. */
    private final Set<String> missingReported = ConcurrentHashMap.newKeySet();
    private final BlobStore blobs;
    private final int bufferBytes;
    private final boolean redirect;
    private final Duration linkTtl;

    public BlobResponder(BlobStore blobs, int bufferBytes) {
        this(blobs, bufferBytes, false, Duration.ofMinutes(15));
    }

    /** With {@code redirect}, GETs go to the store's presigned URL (when it has one) by a 302. */
    public BlobResponder(BlobStore blobs, int bufferBytes, boolean redirect, Duration linkTtl) {
        this.blobs = blobs;
        this.bufferBytes = bufferBytes;
        this.redirect = redirect;
        this.linkTtl = linkTtl;
    }

    /** What is being sent. */
    public record Blob(String sha256, long size, String fileName, String contentType) {}

    /** Writes the headers and, unless {@code body} is false, the requested bytes; counts nothing. */
    public void respond(Context ctx, Blob blob, boolean body) throws IOException {
        respond(ctx, blob, body, () -> { });
    }

    /**
     * Writes the headers and, unless {@code body} is false, the requested bytes. What counts as a
     * download is decided here, once for every route that serves files: a GET whose answer begins
     * with the file's first byte (the whole file, or a range from 0; a resume from further on is the
     * same download continuing). {@code countDownload} runs then, before any byte goes out, so a
     * client that has read a first byte has been counted.
     */
    public void respond(Context ctx, Blob blob, boolean body, Runnable countDownload) throws IOException {
        String etag = "\"" + blob.sha256() + "\"";
        ByteRange.Request request = requested(ctx, blob.size(), etag);
        boolean newDownload = body && !(request instanceof ByteRange.Request.Unsatisfiable)
                && !(request instanceof ByteRange.Request.Partial p && p.range().start() > 0);
        if (redirect && body) {
            Optional<URI> url = blobs.presignedDownload(new BlobKey(blob.sha256()), blob.fileName(), linkTtl);
            if (url.isPresent()) {
                if (newDownload) {
                    countDownload.run();
                }
                ctx.header("Cache-Control", "no-store");
                ctx.redirect(url.get().toString(), HttpStatus.FOUND);
                return;
            }
        }
        if (blobs.size(new BlobKey(blob.sha256())).isEmpty()) {
            if (missingReported.add(blob.sha256())) {
                LOG.error("blob {} ({}) is missing from storage", blob.sha256(), blob.fileName());
            }
            throw new DepotException.NotFound("blob_missing", "The file's bytes are missing from storage; the operator has been told.");
        }
        long size = blob.size();
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.header("Content-Disposition", "attachment; filename=\"" + blob.fileName().replace("\"", "") + "\"; "
                + "filename*=UTF-8''" + Links.encodePathSegment(blob.fileName()));
        ctx.contentType(blob.contentType());
        if (request instanceof ByteRange.Request.Unsatisfiable) {
            ctx.header("Content-Range", "bytes */" + size);
            ctx.status(416).result("");
            return;
        }
        ByteRange range = ByteRange.of(request).orElse(new ByteRange(0, size - 1));
        if (request instanceof ByteRange.Request.Partial) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + size);
        }
        long length = size == 0 ? 0 : range.length();
        ctx.header("Content-Length", Long.toString(length));
        if (newDownload) {
            countDownload.run();
        }
        if (body && length > 0) {
            write(ctx, new BlobKey(blob.sha256()), range.start(), length);
        }
    }

    /** What the request asks for: its {@code Range}, unless {@code If-Range} names other bytes than these. */
    private static ByteRange.Request requested(Context ctx, long size, String etag) {
        String ifRange = ctx.header("If-Range");
        if (ifRange != null && !ifRange.trim().equals(etag)) {
            return new ByteRange.Request.Whole(); // the client's copy is of other bytes: send them all
        }
        return ByteRange.parse(ctx.header("Range"), size);
    }

    private void write(Context ctx, BlobKey key, long offset, long length) throws IOException {
        OutputStream out = ctx.res().getOutputStream();
        Optional<Path> local = blobs.localFile(key);
        if (local.isPresent() && out instanceof HttpOutput http) {
            try (SharedMappings.Mapping map = mappings.acquire(local.get())) {
                long pos = offset;
                long end = offset + length;
                while (pos < end) {
                    ByteBuffer slice = map.slice(pos, Math.min(MAP_SLICE, end - pos));
                    pos += slice.remaining();
                    http.write(slice);
                }
            }
            return;
        }
        try (InputStream in = blobs.read(key, offset, length)) {
            byte[] buf = new byte[bufferBytes];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
    }
}
