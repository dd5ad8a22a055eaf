package dev.depot.api.tus;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Links;
import dev.depot.api.Responses;
import dev.depot.api.Routes;
import dev.depot.auth.Principal;
import dev.depot.core.DepotException;
import dev.depot.intake.BuildIntake;
import dev.depot.upload.Checksum;
import dev.depot.upload.UploadService;
import dev.depot.upload.UploadSession;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * tus 1.0 resumable uploads at {@code /v1/uploads}: core, creation, creation-with-upload,
 * checksum (sha1, sha256), termination and expiration, over the same upload sessions as shipper's
 * protocol. Metadata names the file ({@code filename}) and where the build goes
 * ({@code organization}, {@code app}, unless the token is bound to an app; or {@code target=ota} for
 * a ROM build, whose device the file name names, under the same rules as shipper's uploads; both
 * take a {@code changelog}); {@code sha256} is
 * checked when the last byte arrives, then the build is created and its id returned in
 * {@code Depot-Build-Id}.
 */
public final class TusRoutes {
    public static final String VERSION = "1.0.0";
    static final String BASE = "/v1/uploads";
    private static final String PROTOCOL = "tus";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final BuildIntake intake;
    private final UploadService uploads;
    private final Links links;

    public TusRoutes(BuildIntake intake, Links links) {
        this.intake = intake;
        this.uploads = intake.uploads();
        this.links = links;
    }

    public void register(Routes all) {
        Routes routes = all.on(TusErrors.SURFACE, BASE);
        routes.add(HandlerType.OPTIONS, BASE, Access.PUBLIC, this::options);
        routes.add(HandlerType.OPTIONS, BASE + "/{id}", Access.PUBLIC, this::options);
        routes.post(BASE, Access.UPLOAD, this::create);
        routes.head(BASE + "/{id}", Access.UPLOAD, this::head);
        routes.patch(BASE + "/{id}", Access.UPLOAD, this::patch);
        routes.delete(BASE + "/{id}", Access.UPLOAD, this::terminate);
    }

    private void options(Context ctx) {
        ctx.header("Tus-Resumable", VERSION);
        ctx.header("Tus-Version", VERSION);
        ctx.header("Tus-Max-Size", Long.toString(uploads.maxBytes()));
        ctx.header("Tus-Extension", "creation,creation-with-upload,checksum,termination,expiration");
        ctx.header("Tus-Checksum-Algorithm", "sha1,sha256");
        ctx.status(204);
    }

    private static void requireVersion(Context ctx) {
        String v = ctx.header("Tus-Resumable");
        if (!VERSION.equals(v)) {
            throw new DepotException.Invalid("tus_version", "This server speaks tus " + VERSION + " (Tus-Resumable header).");
        }
        ctx.header("Tus-Resumable", VERSION);
    }

    private void create(Context ctx) throws IOException {
        requireVersion(ctx);
        Principal me = Authenticator.principal(ctx);
        if (ctx.header("Upload-Defer-Length") != null) {
            throw new DepotException.Invalid("defer_length", "Upload-Defer-Length is not supported: send Upload-Length.");
        }
        long length = headerLong(ctx, "Upload-Length");
        Map<String, String> meta = parseMetadata(ctx.header("Upload-Metadata"));
        String fileName = meta.get("filename");
        if (fileName == null) {
            throw new DepotException.Invalid("missing_parameters", "Upload-Metadata needs a filename.");
        }
        UploadSession s = intake.openUpload(me, PROTOCOL, fileName, length, meta);
        ctx.header("Location", links.base() + BASE + "/" + s.id());
        ctx.header("Upload-Expires", HTTP_DATE.format(Instant.ofEpochMilli(s.expiresAt())));
        ctx.status(201);
        long contentLength = ctx.req().getContentLengthLong();
        if (contentLength > 0 && "application/offset+octet-stream".equals(ctx.contentType())) {
            UploadSession after = appendBody(ctx, me, s.id(), 0);
            ctx.header("Upload-Offset", Long.toString(after.offset()));
            finishIfComplete(ctx, me, after);
        }
    }

    /**
     * The upload's offset. An upload whose every byte arrived is completed here if no live node is
     * completing it (a crash interrupted its completion), and a completed upload keeps answering,
     * with its build, until the session expires: a client that lost the last PATCH's answer learns
     * its build from HEAD.
     */
    private void head(Context ctx) {
        requireVersion(ctx);
        Principal me = Authenticator.principal(ctx);
        UploadSession s = tusSession(ctx);
        if (!s.complete()) {
            s = writableOrCompleted(ctx, me, s);
        }
        if (!s.complete()) {
            if (s.full() && !uploads.beingCompleted(s)) {
                buildHeaders(ctx, intake.complete(me, PROTOCOL, s.id(), declaredSha256(s)));
            }
        } else {
            intake.completed(s).ifPresent(r -> buildHeaders(ctx, r));
        }
        ctx.header("Upload-Offset", Long.toString(s.offset()));
        ctx.header("Upload-Length", Long.toString(s.totalLength()));
        ctx.header("Upload-Expires", HTTP_DATE.format(Instant.ofEpochMilli(s.expiresAt())));
        ctx.header("Cache-Control", "no-store");
        ctx.status(200);
    }

    /** The session if it still takes bytes (410 once expired), or as it is now if it was completed meanwhile. */
    private UploadSession writableOrCompleted(Context ctx, Principal me, UploadSession s) {
        try {
            return uploads.writableSession(me, s.id());
        } catch (DepotException.Invalid e) {
            if (!e.reason().equals("already_complete")) {
                throw e;
            }
            return tusSession(ctx); // completed since it was read (a restarted server completes interrupted uploads)
        }
    }

    private void patch(Context ctx) throws IOException {
        try {
            patchChunk(ctx);
        } finally {
            Responses.drainBody(ctx); // a refused chunk's bytes, so the connection stays usable
        }
    }

    private void patchChunk(Context ctx) throws IOException {
        requireVersion(ctx);
        if (!"application/offset+octet-stream".equals(ctx.contentType())) {
            throw new DepotException.Invalid("unsupported_media_type", "PATCH needs Content-Type: application/offset+octet-stream.");
        }
        Principal me = Authenticator.principal(ctx);
        UploadSession s = tusSession(ctx);
        long offset = headerLong(ctx, "Upload-Offset");
        UploadService.requireOffset(s.offset(), offset);
        if (s.complete()) {
            // nothing more to take: answer as the last PATCH did, so a client that lost that answer learns its build
            if (ctx.req().getContentLengthLong() > 0) {
                throw new DepotException.Invalid("past_end", "The upload is complete; it takes no more bytes.");
            }
            intake.completed(s).ifPresent(r -> buildHeaders(ctx, r));
            ctx.header("Upload-Offset", Long.toString(s.offset()));
            ctx.status(204);
            return;
        }
        UploadSession after = appendBody(ctx, me, s.id(), offset);
        ctx.header("Upload-Offset", Long.toString(after.offset()));
        ctx.header("Upload-Expires", HTTP_DATE.format(Instant.ofEpochMilli(after.expiresAt())));
        ctx.status(204);
        finishIfComplete(ctx, me, after);
    }

    private UploadSession appendBody(Context ctx, Principal me, String id, long offset) throws IOException {
        Checksum chunk = null;
        String header = ctx.header("Upload-Checksum");
        if (header != null) {
            String[] parts = header.trim().split(" ", 2);
            if (parts.length != 2 || !(parts[0].equals("sha1") || parts[0].equals("sha256"))) {
                throw new DepotException.Invalid("unsupported_checksum", "Upload-Checksum takes sha1 or sha256.");
            }
            chunk = Checksum.base64(parts[0], parts[1]);
        }
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            // without a chunk checksum, what arrives is kept as it arrives (tus: store as much as possible)
            return uploads.append(me, id, offset, null, in, declared, chunk, true);
        }
    }

    private void finishIfComplete(Context ctx, Principal me, UploadSession s) {
        if (s.full()) {
            buildHeaders(ctx, intake.complete(me, PROTOCOL, s.id(), declaredSha256(s)));
        }
    }

    private static Checksum declaredSha256(UploadSession s) {
        String sha256 = s.metadata().get("sha256");
        return sha256 == null ? null : Checksum.hex("sha256", sha256);
    }

    private void buildHeaders(Context ctx, BuildIntake.Received r) {
        ctx.header("Depot-Build-Id", Long.toString(r.buildId()));
        ctx.header("Depot-Build-Url", switch (r) {
            case BuildIntake.Received.RomUpload rom -> links.base() + "/v1/builds/" + rom.buildId();
            case BuildIntake.Received.AppUpload app -> links.base() + "/v1/organizations/" + app.app().organizationSlug()
                    + "/apps/" + app.app().slug() + "/builds/" + app.buildId();
        });
    }

    private void terminate(Context ctx) {
        requireVersion(ctx);
        UploadSession s = tusSession(ctx);
        uploads.discard(s.id());
        ctx.status(204);
    }

    /** The caller's tus session named in the path (complete or not). */
    private UploadSession tusSession(Context ctx) {
        return uploads.session(Authenticator.principal(ctx), uploadId(ctx), PROTOCOL);
    }

    private static String uploadId(Context ctx) {
        return ctx.pathParam("id").toLowerCase();
    }

    private static long headerLong(Context ctx, String name) {
        String v = ctx.header(name);
        try {
            long n = Long.parseLong(v == null ? "" : v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new DepotException.Invalid("bad_headers", name + " must be a non-negative integer.");
        }
    }

    /** tus metadata: comma-separated {@code key base64(value)} pairs. */
    static Map<String, String> parseMetadata(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String pair : header.split(",")) {
            String[] kv = pair.trim().split(" ", 2);
            if (kv[0].isEmpty()) {
                continue;
            }
            try {
                out.put(kv[0], kv.length == 2 ? new String(Base64.getDecoder().decode(kv[1].trim()), StandardCharsets.UTF_8) : "");
            } catch (IllegalArgumentException e) {
                throw new DepotException.Invalid("bad_metadata", "Upload-Metadata value of '" + kv[0] + "' is not base64.");
            }
        }
        return out;
    }
}
