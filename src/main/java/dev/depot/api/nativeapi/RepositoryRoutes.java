package dev.depot.api.nativeapi;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.ClientAddress;
import dev.depot.api.Links;
import dev.depot.api.Params;
import dev.depot.api.Responses;
import dev.depot.api.Routes;
import dev.depot.api.download.BlobResponder;
import dev.depot.core.DepotException;
import dev.depot.core.Prebuild;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.repository.Delta;
import dev.depot.repository.FdroidExport;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryDocuments;
import dev.depot.repository.RepositoryEntry;
import dev.depot.repository.RepositoryService;
import dev.depot.release.Asker;
import dev.depot.storage.DocumentFiles;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Repositories in the native API: management under the organization, and the public index, its
 * changes since a state hash, update offers for installed apps, and the published APK files.
 */
public final class RepositoryRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RepositoryService repositories;
    private final BlobResponder responder;
    private final DownloadCounter counter;
    private final Links links;

    private final FdroidExport fdroid;
    private final ClientAddress clients;
    private final RepositoryDocuments<DocumentFiles.Document> indexes;

    /**
     * {@code documents} keeps each repository's index as made for its state; {@code prebuild}
     * makes it when a revision is published here, for every repository at start, and within a few
     * seconds of a change another node made, so no request waits for it after a change.
     */
    public RepositoryRoutes(RepositoryService repositories, FdroidExport fdroid, BlobResponder responder,
                            DownloadCounter counter, Links links, ClientAddress clients, DocumentFiles documents,
                            Prebuild prebuild) {
        this.indexes = new RepositoryDocuments<>("the index", repositories, prebuild, repo -> documents.write(indexBytes(repo)),
                documents::retire);
        indexes.keepAllMade();
        this.fdroid = fdroid;
        this.clients = clients;
        this.repositories = repositories;
        this.responder = responder;
        this.counter = counter;
        this.links = links;
    }

    public void register(Routes r) {
        String org = "/v1/organizations/{org}/repositories";
        r.get(org, Access.READ, ctx -> Envelope.ok(ctx, repositories.ofOrganization(Authenticator.principal(ctx),
                ctx.pathParam("org")).stream().map(RepositoryRoutes::summary).toList()));
        r.post(org, Access.PUBLISH, ctx -> {
            Params p = Params.of(ctx);
            Repository repo = repositories.create(Authenticator.principal(ctx), ctx.pathParam("org"), p.require("name"),
                    p.get("title").orElse(null), p.get("description").orElse(null));
            ctx.status(201);
            Envelope.ok(ctx, summary(repo));
        });
        r.post(org + "/{repo}/builds", Access.PUBLISH, ctx -> {
            long buildId = parseId(Params.of(ctx).require("buildId"));
            Envelope.ok(ctx, summary(repositories.publish(Authenticator.principal(ctx), ctx.pathParam("org"),
                    ctx.pathParam("repo"), buildId)));
        });
        r.delete(org + "/{repo}/builds/{build}", Access.PUBLISH, ctx -> Envelope.ok(ctx, summary(repositories.unpublish(
                Authenticator.principal(ctx), ctx.pathParam("org"), ctx.pathParam("repo"), parseId(ctx.pathParam("build"))))));
        r.get("/v1/repositories/{repo}", Access.PUBLIC, this::index);
        r.get("/v1/repositories/{repo}/changes", Access.PUBLIC, this::changes);
        r.get("/v1/repositories/{repo}/fdroid", Access.PUBLIC, ctx -> {
            Repository repo = repositories.require(ctx.pathParam("repo"));
            String address = fdroid.address(repo.name());
            String fingerprint = fdroid.fingerprint(repo);
            Envelope.ok(ctx, Map.of("address", address, "fingerprint", fingerprint,
                    "url", address + "?fingerprint=" + fingerprint,
                    "mirrorUrl", fdroid.base(repo.name()) + "?fingerprint=" + fingerprint));
        });
        r.post("/v1/repositories/{repo}/updates", Access.PUBLIC, this::updates);
        r.get("/v1/repositories/{repo}/files/{build}/{file_name}", Access.PUBLIC, ctx -> file(ctx, true));
        r.head("/v1/repositories/{repo}/files/{build}/{file_name}", Access.PUBLIC, ctx -> file(ctx, false));
    }

    private void index(Context ctx) {
        Repository repo = repositories.require(ctx.pathParam("repo"));
        String etag = "\"" + repo.stateHash() + "\"";
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "no-cache");
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        Responses.document(ctx, indexes.get(repo), "application/json", true);
    }

    /** The whole index of one state: the native envelope of the summary and every entry, written an entry at a time. */
    private byte[] indexBytes(Repository repo) {
        List<RepositoryEntry> entries = repositories.entries(repo);
        var out = new java.io.ByteArrayOutputStream(1024 + entries.size() * 384);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeBooleanField("status", true);
            g.writeObjectFieldStart("data");
            for (Map.Entry<String, Object> field : summary(repo).entrySet()) {
                g.writeObjectField(field.getKey(), field.getValue());
            }
            g.writeArrayFieldStart("apps");
            for (RepositoryEntry e : entries) {
                g.writeObject(entry(repo, e));
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void changes(Context ctx) {
        Repository repo = repositories.require(ctx.pathParam("repo"));
        String since = ctx.queryParam("since");
        if (since == null || since.isBlank()) {
            throw new DepotException.Invalid("missing_parameters", "The query parameter 'since' (a state hash) is required.");
        }
        Delta d = repositories.changesSince(repo, since.trim().toLowerCase());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", d.fromHash());
        out.put("to", d.toHash());
        out.put("fromRevision", d.fromRevision());
        out.put("toRevision", d.toRevision());
        List<Map<String, Object>> added = new ArrayList<>();
        for (Delta.Change c : d.added()) {
            repositories.entry(repo, c.buildId()).ifPresent(e -> added.add(entry(repo, e)));
        }
        out.put("added", added);
        out.put("removed", d.removed().stream().map(c -> Map.<String, Object>of("buildId", Long.toString(c.buildId()),
                "package", c.packageName(), "versionCode", c.versionCode())).toList());
        ctx.header("ETag", "\"" + repo.stateHash() + "\"");
        Envelope.ok(ctx, out);
    }

    private void updates(Context ctx) throws IOException {
        Repository repo = repositories.require(ctx.pathParam("repo"));
        JsonNode body;
        try {
            body = JSON.readTree(ctx.req().getInputStream().readNBytes(4 << 20));
        } catch (IOException e) {
            throw new DepotException.Invalid("invalid_parameters", "The body must be JSON: {\"installed\":[{package, versionCode, signer}]}");
        }
        JsonNode installed = body == null ? null : body.get("installed");
        if (installed == null || !installed.isArray()) {
            throw new DepotException.Invalid("invalid_parameters", "The body must be JSON: {\"installed\":[{package, versionCode, signer}]}");
        }
        List<RepositoryService.Installed> list = new ArrayList<>();
        for (JsonNode i : installed) {
            if (!i.path("package").isTextual() || !i.path("versionCode").canConvertToLong() || !i.path("signer").isTextual()) {
                throw new DepotException.Invalid("invalid_parameters", "Each installed app needs package, versionCode and signer.");
            }
            list.add(new RepositoryService.Installed(i.get("package").asText(), i.get("versionCode").asLong(),
                    i.get("signer").asText()));
        }
        String channel = body.path("channel").isTextual() ? body.get("channel").asText() : null;
        Asker asker = Asker.of(body.path("installation").isTextual() ? body.get("installation").asText() : null,
                ctx.header("Depot-Installation"), clients.of(ctx), ctx.header("User-Agent"));
        Envelope.ok(ctx, Map.of("hash", repo.stateHash(),
                "updates", repositories.updates(repo, list, channel, asker).stream().map(e -> entry(repo, e)).toList()));
    }

    private void file(Context ctx, boolean body) throws IOException {
        Repository repo = repositories.require(ctx.pathParam("repo"));
        RepositoryEntry e = repositories.entry(repo, parseId(ctx.pathParam("build")))
                .filter(x -> x.fileName().equals(ctx.pathParam("file_name")))
                .orElseThrow(() -> new DepotException.NotFound("entity_not_found", "Entity not found"));
        responder.respond(ctx, new BlobResponder.Blob(e.sha256(), e.size(), e.fileName(),
                "application/vnd.android.package-archive"), body, () -> counter.countDownload(e.buildId(), DownloadType.DOWNLOAD));
    }

    private static Map<String, Object> summary(Repository r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", r.name());
        out.put("title", r.title());
        out.put("description", r.description());
        out.put("hash", r.stateHash());
        out.put("revision", r.revision());
        out.put("appsCount", r.entriesCount());
        out.put("updatedAt", Instant.ofEpochMilli(r.updatedAt()).toString());
        return out;
    }

    private Map<String, Object> entry(Repository repo, RepositoryEntry e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("buildId", Long.toString(e.buildId()));
        out.put("package", e.packageName());
        out.put("versionCode", e.versionCode());
        out.put("versionName", e.versionName());
        out.put("label", e.label());
        out.put("minSdk", e.minSdk());
        out.put("targetSdk", e.targetSdk());
        out.put("size", e.size());
        out.put("sha256", e.sha256());
        out.put("signer", e.signer());
        out.put("downloadUrl", links.base() + "/v1/repositories/" + repo.name() + "/files/" + e.buildId() + "/"
                + Links.encodePathSegment(e.fileName()));
        return out;
    }

    private static long parseId(String text) {
        return Params.id(text).orElseThrow(() -> new DepotException.NotFound("entity_not_found", "Entity not found"));
    }
}
