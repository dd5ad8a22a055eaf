package dev.depot.api.shipper;

import dev.depot.api.Access;
import dev.depot.api.ClientAddress;
import dev.depot.api.Authenticator;
import dev.depot.api.Links;
import dev.depot.api.MultipartStream;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.auth.AuthService;
import dev.depot.auth.IssuedToken;
import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.core.DepotException;
import dev.depot.intake.BuildIntake;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.OtaService;
import dev.depot.upload.Checksum;
import dev.depot.upload.UploadService;
import dev.depot.upload.UploadSession;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.InputStream;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * shipper's maintainer endpoints as shippy calls them: login, token check, the file-name pattern,
 * duplicate check, enabling builds, and the chunked upload (drf-chunked-upload's protocol).
 */
public final class ShipperMaintainerRoutes {
    static final String PROTOCOL = "shipper";
    private static final Pattern CONTENT_RANGE = Pattern.compile("^bytes (\\d{1,19})-(\\d{1,19})/(\\d{1,19})$");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F-]{36}");

    private final AuthService auth;
    private final ClientAddress clients;
    private final OtaService ota;
    private final BuildIntake intake;
    private final UploadService uploads;
    private final Links links;

    public ShipperMaintainerRoutes(AuthService auth, OtaService ota, BuildIntake intake, Links links, ClientAddress clients) {
        this.clients = clients;
        this.auth = auth;
        this.ota = ota;
        this.intake = intake;
        this.uploads = intake.uploads();
        this.links = links;
    }

    public void register(Routes routes) {
        for (String v : List.of("/api/v1", "/api/latest")) {
            String m = v + "/maintainers";
            routes.post(m + "/login", Access.PUBLIC, this::login);
            routes.get(m + "/token_check", Access.READ, this::tokenCheck);
            routes.get(m + "/upload_filename_regex_pattern", Access.READ, this::pattern);
            routes.post(m + "/build/duplicate_check", Access.READ, this::duplicateCheck);
            routes.post(m + "/build/enabled_status_modify", Access.PUBLISH, this::enabledStatus);
            for (String base : List.of(m + "/chunked_upload", m + "/device/chunked_upload")) {
                routes.get(base, Access.UPLOAD, this::listUploads);
                routes.put(base, Access.UPLOAD, this::firstChunk);
                routes.get(base + "/{id}", Access.UPLOAD, this::showUpload);
                routes.put(base + "/{id}", Access.UPLOAD, this::nextChunk);
                routes.post(base + "/{id}", Access.UPLOAD, this::finish);
            }
        }
    }

    private void login(Context ctx) {
        Params p = Params.of(ctx);
        String username = p.get("username").orElse("");
        String password = p.get("password").orElse("");
        if (username.isBlank() || password.isBlank()) {
            throw new DepotException.Invalid("blank_username_or_password", "Username or password cannot be blank!");
        }
        IssuedToken token = auth.login(username, password, clients.of(ctx), EnumSet.of(Scope.READ, Scope.UPLOAD, Scope.PUBLISH))
                .orElseThrow(() -> new DepotException.NotFound("invalid_credential", "Invalid credentials. Please try again."));
        ctx.json(Map.of("token", token.secret(), "message", "Successfully logged in!"));
    }

    private void tokenCheck(Context ctx) {
        ctx.json(Map.of("username", Authenticator.principal(ctx).username()));
    }

    private void pattern(Context ctx) {
        ctx.json(Map.of("pattern", ota.fileNamePattern().python()));
    }

    private void duplicateCheck(Context ctx) {
        String fileName = Params.of(ctx).require("file_name");
        ctx.json(Map.of("exists", ota.buildByFileName(fileName).isPresent()));
    }

    private void enabledStatus(Context ctx) {
        Params p = Params.of(ctx);
        String id = p.get("build_id").orElse(null);
        String enable = p.get("enable").orElse(null);
        if (id == null || id.isBlank() || enable == null || enable.isBlank()) {
            throw new DepotException.Invalid("missing_parameters",
                    "One or more of the required parameters is blank! Required parameters: build ID, enabled flag");
        }
        long buildId = ShipperPublicRoutes.parseId(id).orElseThrow(() ->
                new DepotException.Invalid("invalid_parameters", "The specified build ID is invalid."));
        boolean on = enable.trim().equalsIgnoreCase("true");
        OtaBuild b = ota.setBuildEnabled(Authenticator.principal(ctx), buildId, on);
        ctx.json(Map.of("message", b.enabled() ? "Successfully enabled the build!" : "Successfully disabled the build!"));
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
            throw dev.depot.api.Responses.unreadableBody(ctx, "bad_multipart", "The request body is not a readable multipart form.");
        }
        if (fileName == null || fileName.isBlank()) {
            fileName = chunk.file().filename();
        }
        if (chunk.start() != 0) {
            throw new DepotException.Invalid("offset_mismatch", "Offsets do not match",
                    Map.of("expected_offset", 0L, "provided_offset", chunk.start()));
        }
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
            dev.depot.api.Responses.drainBody(ctx);
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
            throw dev.depot.api.Responses.unreadableBody(ctx, "bad_multipart",
                    "The chunk could not be read: the multipart body is malformed, truncated or over 64 MB.");
        } catch (java.io.IOException e) {
            throw new DepotException.Invalid("interrupted", "The chunk could not be read: " + e.getMessage());
        }
        throw new DepotException.Invalid("no_chunk", "No chunk file was submitted");
    }

    private UploadSession appendPart(Principal me, String id, Range range, InputStream content) throws java.io.IOException {
        var counted = new CountingStream(content);
        try {
            return uploads.append(me, id, range.start(), range.total(), counted, range.length());
        } catch (DepotException.Invalid e) {
            if (!e.reason().equals("size_mismatch")) {
                throw e;
            }
            counted.transferTo(java.io.OutputStream.nullOutputStream());
            throw sizeMismatch(counted.count, range.length());
        }
    }

    private static DepotException.Invalid sizeMismatch(long actual, long declared) {
        return new DepotException.Invalid("size_mismatch", "File size doesn't match headers: file size is "
                + actual + " but " + declared + " reported");
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) { super(in); }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }

    private UploadSession append(Principal me, String id, Chunk chunk) {
        try (InputStream in = chunk.file().content()) {
            return uploads.append(me, id, chunk.start(), chunk.total(), in, chunk.length());
        } catch (java.io.IOException e) {
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
        var rom = (BuildIntake.Received.RomUpload) intake.complete(me, PROTOCOL, id, Checksum.hex(algorithm, hex));
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
            throw dev.depot.api.Responses.unreadableBody(ctx, "bad_multipart",
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
        if (total > uploads.maxBytes()) {
            throw new DepotException.Invalid("too_large", "Size of file exceeds the limit (" + uploads.maxBytes() + " bytes)");
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
