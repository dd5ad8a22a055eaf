package dev.depot.api.shipper;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Links;
import dev.depot.api.MultipartStream;
import dev.depot.api.Params;
import dev.depot.api.Responses;
import dev.depot.api.Routes;
import dev.depot.auth.Principal;
import dev.depot.core.DepotException;
import dev.depot.intake.BuildIntake;
import dev.depot.ota.OtaBuild;
import dev.depot.upload.Checksum;
import dev.depot.upload.UploadService;
import dev.depot.upload.UploadSession;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * shipper's chunked upload of ROM builds, as shippy drives it (drf-chunked-upload's protocol): the
 * first {@code PUT} opens a session, the next ones append at {@code Content-Range}, and a
 * {@code POST} with the file's checksum completes it into a build. This class parses and answers;
 * the rules are the intake's and the upload service's.
 */
public final class ShipperUploadRoutes {
    static final String PROTOCOL = "shipper";
    private static final Pattern CONTENT_RANGE = Pattern.compile("^bytes (\\d{1,19})-(\\d{1,19})/(\\d{1,19})$");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F-]{36}");

    private final BuildIntake intake;
    private final UploadService uploads;
    private final Links links;

    public ShipperUploadRoutes(BuildIntake intake, Links links) {
        this.intake = intake;
        this.uploads = intake.uploads();
        this.links = links;
    }

    public void register(Routes all) {
        Routes routes = all.on(ShipperErrors.MAINTAINER, "/api/");
        for (String v : List.of("/api/v1", "/api/latest")) {
            String m = v + "/maintainers";
            for (String base : List.of(m + "/chunked_upload", m + "/device/chunked_upload")) {
                routes.get(base, Access.UPLOAD, this::listUploads);
                routes.put(base, Access.UPLOAD, this::firstChunk);
                routes.get(base + "/{id}", Access.UPLOAD, this::showUpload);
                routes.put(base + "/{id}", Access.UPLOAD, this::nextChunk);
                routes.post(base + "/{id}", Access.UPLOAD, this::finish);
            }
        }
    }

    private void listUploads(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        ctx.json(uploads.sessionsOf(me, PROTOCOL).stream().map(s -> describe(ctx, s)).toList());
    }

    private void showUpload(Context ctx) {
        ctx.json(describe(ctx, uploads.session(Authenticator.principal(ctx), uploadId(ctx), PROTOCOL)));
    }

    /** The first chunk opens the session; the file name is checked now so a bad one fails before gigabytes move. */
    private void firstChunk(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        Chunk chunk = readChunk(ctx);
        String fileName;
        try {
            fileName = ctx.formParam("filename");
        } catch (Exception e) {
            throw Responses.unreadableBody(ctx, "bad_multipart", "The request body is not a readable multipart form.");
        }
        if (fileName == null || fileName.isBlank()) {
            fileName = chunk.file().filename();
        }
        UploadService.requireOffset(0, chunk.start());
        UploadSession s = intake.openRomUpload(me, PROTOCOL, fileName, chunk.total(), Map.of());
        ctx.json(describe(ctx, append(me, s.id(), chunk)));
    }

    /**
     * A chunk of an open session streams from the socket to the staged file: the multipart body is
     * read as it arrives, not buffered by the container first (the first chunk, which may carry the
     * file name after the file, goes through the container's parser).
     */
    private void nextChunk(Context ctx) {
        try {
            streamChunk(ctx);
        } finally {
            Responses.drainBody(ctx);
        }
    }

    private void streamChunk(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        String id = uploadId(ctx);
        if (uploads.session(me, id, PROTOCOL).complete()) {
            // shipper's answer, and shipper's remedy: the upload goes, so that shippy's next run starts over
            uploads.discard(id);
            throw new DepotException.Invalid("already_complete", "Upload has already been marked as \"complete\"");
        }
        String boundary = MultipartStream.boundaryOf(ctx.contentType()).orElseThrow(() ->
                new DepotException.Invalid("no_chunk", "No chunk file was submitted"));
        Range range = range(ctx);
        try {
            MultipartStream form = MultipartStream.of(ctx.req().getInputStream(), boundary);
            for (MultipartStream.Part part; (part = form.next()) != null; ) {
                if (part.name().equals("file") && part.fileName() != null) {
                    ctx.json(describe(ctx, appendPart(me, id, range, part.content())));
                    return;
                }
            }
        } catch (MultipartStream.Malformed e) {
            throw Responses.unreadableBody(ctx, "bad_multipart",
                    "The chunk could not be read: the multipart body is malformed, truncated or over 64 MB.");
        } catch (IOException e) {
            throw new DepotException.Invalid("interrupted", "The chunk could not be read: " + e.getMessage());
        }
        throw new DepotException.Invalid("no_chunk", "No chunk file was submitted");
    }

    private UploadSession appendPart(Principal me, String id, Range range, InputStream content) throws IOException {
        var counted = new CountingStream(content);
        try {
            return uploads.append(me, id, range.start(), range.total(), counted, range.length());
        } catch (DepotException.Invalid e) {
            if (!e.reason().equals("size_mismatch")) {
                throw e;
            }
            counted.transferTo(OutputStream.nullOutputStream());
            throw sizeMismatch(counted.count, range.length());
        }
    }

    private static DepotException.Invalid sizeMismatch(long actual, long declared) {
        return new DepotException.Invalid("size_mismatch", "File size doesn't match headers: file size is "
                + actual + " but " + declared + " reported");
    }

    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) { super(in); }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }

    private UploadSession append(Principal me, String id, Chunk chunk) {
        try (InputStream in = chunk.file().content()) {
            return uploads.append(me, id, chunk.start(), chunk.total(), in, chunk.length());
        } catch (IOException e) {
            throw new DepotException.Invalid("interrupted", "The chunk could not be read: " + e.getMessage());
        }
    }

    private void finish(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        String id = uploadId(ctx);
        Params p = Params.of(ctx);
        String algorithm = p.get("sha256").isPresent() ? "sha256" : "md5";
        String hex = p.get(algorithm).filter(v -> !v.isBlank()).orElseThrow(() ->
                new DepotException.Invalid("missing_checksum", "A sha256 checksum is required to finish the upload."));
        BuildIntake.Received.RomUpload rom = intake.completeRom(me, PROTOCOL, id, Checksum.hex(algorithm, hex));
        String device = rom.deviceDisplayName();
        OtaBuild build = rom.build();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("message", "Build has been uploaded for device " + device + "!");
        out.put("build_id", build.id());
        ctx.json(out);
    }

    private record Chunk(UploadedFile file, long start, long end, long total) {
        long length() { return end - start + 1; }
    }

    /** What {@code Content-Range: bytes start-end/total} says of a chunk. */
    private record Range(long start, long end, long total) {
        long length() { return end - start + 1; }
    }

    private Chunk readChunk(Context ctx) {
        UploadedFile file;
        try {
            file = ctx.uploadedFile("file");
        } catch (Exception e) { // Jetty's ServletException arrives unchecked through Kotlin
            throw Responses.unreadableBody(ctx, "bad_multipart",
                    "The chunk could not be read: the multipart body is malformed, truncated or over 64 MB.");
        }
        if (file == null) {
            throw new DepotException.Invalid("no_chunk", "No chunk file was submitted");
        }
        Range r = range(ctx);
        Chunk chunk = new Chunk(file, r.start(), r.end(), r.total());
        if (file.size() != chunk.length()) {
            throw sizeMismatch(file.size(), chunk.length());
        }
        return chunk;
    }

    private Range range(Context ctx) {
        String header = ctx.header("Content-Range");
        Matcher m = header == null ? null : CONTENT_RANGE.matcher(header.trim());
        if (m == null || !m.matches()) {
            throw new DepotException.Invalid("bad_headers", "Error in request headers");
        }
        long start;
        long end;
        long total;
        try {
            start = Long.parseLong(m.group(1));
            end = Long.parseLong(m.group(2));
            total = Long.parseLong(m.group(3));
        } catch (NumberFormatException e) {
            throw new DepotException.Invalid("bad_headers", "Error in request headers");
        }
        if (end < start || end >= total) {
            throw new DepotException.Invalid("bad_headers", "Error in request headers: the range must lie within the total");
        }
        return new Range(start, end, total);
    }

    private static String uploadId(Context ctx) {
        String id = ctx.pathParam("id");
        if (!UUID_TEXT.matcher(id).matches()) {
            throw new DepotException.NotFound("unknown_upload", "Not found.");
        }
        return id.toLowerCase();
    }

    private Map<String, Object> describe(Context ctx, UploadSession s) {
        String base = ctx.path().replaceAll("/+$", "");
        if (base.endsWith(s.id())) {
            base = base.substring(0, base.length() - s.id().length() - 1);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("url", links.base() + base + "/" + s.id() + "/");
        out.put("file", null);
        out.put("filename", s.fileName());
        out.put("offset", s.offset());
        out.put("created_at", Instant.ofEpochMilli(s.createdAt()).toString());
        out.put("status", s.status());
        out.put("completed_at", s.completedAt() == null ? null : Instant.ofEpochMilli(s.completedAt()).toString());
        out.put("user", s.userId());
        out.put("expires", Instant.ofEpochMilli(s.expiresAt()).toString());
        return out;
    }
}
