package dev.depot.api.download;

import dev.depot.api.Access;
import dev.depot.api.Links;
import dev.depot.api.Routes;
import dev.depot.core.DepotException;
import dev.depot.delivery.ByteRange;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.OtaService;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * Serves build bytes per RFC 9110: {@code Range} (single ranges), {@code If-Range}, 206 and 416,
 * a strong {@code ETag} (the SHA-256), {@code HEAD}. Local blobs are written from a memory map, so
 * bytes go from the page cache to the socket without passing through the Java heap.
 */
public final class DownloadRoutes {
    private static final long MAP_SLICE = 64L << 20;

    private final OtaService ota;
    private final BlobStore blobs;
    private final DownloadCounter counter;
    private final int bufferBytes;

    public DownloadRoutes(OtaService ota, BlobStore blobs, DownloadCounter counter, int bufferBytes) {
        this.ota = ota;
        this.blobs = blobs;
        this.counter = counter;
        this.bufferBytes = bufferBytes;
    }

    public void register(Routes routes) {
        routes.get("/download/builds/{id}/{file_name}", Access.PUBLIC, ctx -> serve(ctx, true));
        routes.head("/download/builds/{id}/{file_name}", Access.PUBLIC, ctx -> serve(ctx, false));
    }

    private void serve(Context ctx, boolean body) throws IOException {
        OtaBuild build = findBuild(ctx);
        long size = build.size();
        String etag = "\"" + build.sha256() + "\"";
        ByteRange.Request request = ByteRange.parse(ctx.header("Range"), size);
        String ifRange = ctx.header("If-Range");
        if (ifRange != null && !ifRange.trim().equals(etag)) {
            request = new ByteRange.Request.Whole(); // the client's copy is of other bytes: send them all
        }
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.header("Content-Disposition", "attachment; filename=\"" + build.fileName().replace("\"", "") + "\"; "
                + "filename*=UTF-8''" + Links.encodePathSegment(build.fileName()));
        ctx.contentType("application/zip");
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
        if (body && range.start() == 0) {
            DownloadType.parse(ctx.queryParam("type")).ifPresent(t -> counter.countDownload(build.id(), t));
        }
        if (!body || length == 0) {
            return;
        }
        write(ctx, new BlobKey(build.sha256()), range.start(), length);
    }

    private OtaBuild findBuild(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new DepotException.NotFound("unknown_build", "Entity not found");
        }
        return ota.build(id)
                .filter(b -> b.enabled() && b.status().equals("processed"))
                .filter(b -> b.fileName().equals(ctx.pathParam("file_name")))
                .orElseThrow(() -> new DepotException.NotFound("unknown_build", "Entity not found"));
    }

    private void write(Context ctx, BlobKey key, long offset, long length) throws IOException {
        OutputStream out = ctx.res().getOutputStream();
        Optional<Path> local = blobs.localFile(key);
        if (local.isPresent() && out instanceof HttpOutput http) {
            try (FileChannel ch = FileChannel.open(local.get(), StandardOpenOption.READ)) {
                long pos = offset;
                long end = offset + length;
                while (pos < end) {
                    long n = Math.min(MAP_SLICE, end - pos);
                    MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, pos, n);
                    http.write(map);
                    pos += n;
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
