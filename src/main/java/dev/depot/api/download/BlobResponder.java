package dev.depot.api.download;

import dev.depot.api.Links;
import dev.depot.delivery.ByteRange;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * Answers with a blob's bytes per RFC 9110: {@code Range} (single ranges), {@code If-Range},
 * 206 and 416, a strong {@code ETag} (the SHA-256), {@code HEAD}. Local blobs are written from a
 * memory map, so bytes go from the page cache to the socket without passing through the heap.
 */
public final class BlobResponder {
    private static final long MAP_SLICE = 64L << 20;
    private final SharedMappings mappings = new SharedMappings();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BlobResponder.class);
    /** Each missing blob is logged once, not once per request. */
    private static final java.util.Set<String> MISSING_REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final BlobStore blobs;
    private final int bufferBytes;
    private final boolean redirect;
    private final java.time.Duration linkTtl;

    public BlobResponder(BlobStore blobs, int bufferBytes) {
        this(blobs, bufferBytes, false, java.time.Duration.ofMinutes(15));
    }

    /** With {@code redirect}, GETs go to the store's presigned URL (when it has one) by a 302. */
    public BlobResponder(BlobStore blobs, int bufferBytes, boolean redirect, java.time.Duration linkTtl) {
        this.blobs = blobs;
        this.bufferBytes = bufferBytes;
        this.redirect = redirect;
        this.linkTtl = linkTtl;
    }

    /** What is being sent. */
    public record Blob(String sha256, long size, String fileName, String contentType) {}

    /**
     * Writes the headers and, unless {@code body} is false, the requested bytes.
     *
     * @return true when the response starts at the first byte (a new download rather than a resume)
     */
    public boolean respond(Context ctx, Blob blob, boolean body) throws IOException {
        if (redirect && body) {
            Optional<java.net.URI> url = blobs.presignedDownload(new BlobKey(blob.sha256()), blob.fileName(), linkTtl);
            if (url.isPresent()) {
                ctx.header("Cache-Control", "no-store");
                ctx.redirect(url.get().toString(), io.javalin.http.HttpStatus.FOUND);
                return ctx.header("Range") == null;
            }
        }
        if (blobs.size(new BlobKey(blob.sha256())).isEmpty()) {
            if (MISSING_REPORTED.add(blob.sha256())) {
                LOG.error("blob {} ({}) is missing from storage", blob.sha256(), blob.fileName());
            }
            throw new dev.depot.core.DepotException.NotFound("blob_missing",
                    "The file's bytes are missing from storage; the operator has been told.");
        }
        long size = blob.size();
        String etag = "\"" + blob.sha256() + "\"";
        ByteRange.Request request = ByteRange.parse(ctx.header("Range"), size);
        String ifRange = ctx.header("If-Range");
        if (ifRange != null && !ifRange.trim().equals(etag)) {
            request = new ByteRange.Request.Whole(); // the client's copy is of other bytes: send them all
        }
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.header("Content-Disposition", "attachment; filename=\"" + blob.fileName().replace("\"", "") + "\"; "
                + "filename*=UTF-8''" + Links.encodePathSegment(blob.fileName()));
        ctx.contentType(blob.contentType());
        if (request instanceof ByteRange.Request.Unsatisfiable) {
            ctx.header("Content-Range", "bytes */" + size);
            ctx.status(416).result("");
            return false;
        }
        ByteRange range = ByteRange.of(request).orElse(new ByteRange(0, size - 1));
        if (request instanceof ByteRange.Request.Partial) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + size);
        }
        long length = size == 0 ? 0 : range.length();
        ctx.header("Content-Length", Long.toString(length));
        if (body && length > 0) {
            write(ctx, new BlobKey(blob.sha256()), range.start(), length);
        }
        return range.start() == 0;
    }

    private void write(Context ctx, BlobKey key, long offset, long length) throws IOException {
        OutputStream out = ctx.res().getOutputStream();
        Optional<Path> local = blobs.localFile(key);
        if (local.isPresent() && out instanceof HttpOutput http) {
            try (SharedMappings.Mapping map = mappings.acquire(local.get())) {
                long pos = offset;
                long end = offset + length;
                while (pos < end) {
                    java.nio.ByteBuffer slice = map.slice(pos, Math.min(MAP_SLICE, end - pos));
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
