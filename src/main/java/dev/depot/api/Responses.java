package dev.depot.api;

import dev.depot.core.DepotException;
import dev.depot.storage.DocumentFiles;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writing answers whose bytes are ready. */
public final class Responses {
    private Responses() {}

    /**
     * Writes {@code body} straight to the response with its length. Handing bytes to Javalin as a
     * result copies them through a fresh 32 KiB buffer and weighs compression on every request;
     * for answers made once and served many times (cached update checks, sealed feed packages)
     * that was a fifth of the update check's time. The content type is the caller's to set.
     */
    public static void write(Context ctx, byte[] body) {
        ctx.res().setContentLength(body.length);
        try {
            ctx.res().getOutputStream().write(body);
        } catch (IOException gone) {
            // the client hung up; there is nobody to tell
        }
    }

    /**
     * Sends a document kept on disk ({@link DocumentFiles}): its gzipped copy to a client that
     * accepts gzip, when there is one; with its length; headers only for a HEAD. The content type
     * is {@code type}.
     */
    public static void document(Context ctx, DocumentFiles.Document d, String type, boolean body) {
        HttpServletResponse res = ctx.res();
        res.setContentType(type);
        Path file = d.file();
        if (d.gzipped() != null) {
            res.setHeader("Vary", "Accept-Encoding");
            if (acceptsGzip(ctx.header("Accept-Encoding"))) {
                res.setHeader("Content-Encoding", "gzip");
                file = d.gzipped();
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            res.setContentLengthLong(ch.size());
            if (!body) {
                return;
            }
            OutputStream out = res.getOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (ch.read(buf.clear()) > 0) {
                out.write(buf.array(), 0, buf.position());
            }
        } catch (NoSuchFileException e) {
            throw new DepotException.Unavailable("document_gone", "The document was replaced while it was asked for; ask again.");
        } catch (IOException gone) {
            // the client hung up; there is nobody to tell
        }
    }

    /** Whether an {@code Accept-Encoding} header welcomes gzip (not with {@code q=0}). */
    public static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equalsIgnoreCase("gzip")) {
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].trim().replace(" ", "");
                    if (p.equals("q=0") || p.matches("q=0\\.0{0,3}")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    /** How much of an unread request body is read and dropped so the connection can serve the next request. */
    private static final long DRAIN_LIMIT = 8L << 20;

    /**
     * Reads and drops what is left of the request body, up to {@value #DRAIN_LIMIT} bytes. A
     * handler that answers before reading the whole body (a refused chunk, the few bytes after a
     * multipart body's last part) otherwise leaves the container to close the connection after a
     * response it may already have sent as keep-alive; a client then sends its next request into
     * a closed connection. Past the limit the container closes it anyway.
     */
    public static void drainBody(Context ctx) {
        try {
            var in = ctx.req().getInputStream();
            byte[] buf = new byte[64 * 1024];
            long left = DRAIN_LIMIT;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException gone) {
            // nothing more to read, or the client went away
        }
    }

    /**
     * The error for a request body that cannot be read (a malformed multipart form, a broken
     * chunked encoding). Where its rest begins is unknown, so the container closes the connection
     * after the answer; the answer says so ({@code Connection: close}), or a client would send its
     * next request into the closed connection.
     */
    public static DepotException.Invalid unreadableBody(Context ctx, String reason, String message) {
        ctx.header("Connection", "close");
        return new DepotException.Invalid(reason, message);
    }
}
