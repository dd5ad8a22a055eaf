package dev.depot.api.ddi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.api.Access;
import dev.depot.api.ErrorRenderer;
import dev.depot.api.Links;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.api.Surface;
import dev.depot.api.download.BlobResponder;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.OtaBuild;
import dev.depot.release.DdiControllers;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Eclipse hawkBit's Direct Device Integration API, version 1, for devices of Depot's devices:
 * {@code /{tenant}/controller/v1/{controller_id}}, where the tenant is the device's codename and
 * the controller id its installation's id. Devices authenticate with {@code TargetToken} (the
 * installation's token) or {@code GatewayToken} (the device's).
 */
public final class DdiRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "/{tenant}/controller/v1/{controller_id}";

    /** DDI errors: the status code, and hawkBit's error body (clients read the code). */
    public static final Surface SURFACE = new Surface("ddi", new ErrorRenderer() {
        @Override
        public void render(Context ctx, DepotException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("errorCode", "depot." + e.reason());
            body.put("message", e.getMessage());
            ctx.status(ErrorRenderer.plainStatus(e)).json(body);
        }

        @Override
        public void internal(Context ctx) {
            ctx.status(500).json(Map.of("errorCode", "depot.internal", "message", "Internal error"));
        }
    });

    private final DdiControllers controllers;
    private final BlobResponder responder;
    private final DownloadCounter counter;
    private final Links links;
    private final String sleep;

    public DdiRoutes(DdiControllers controllers, BlobResponder responder, DownloadCounter counter, Links links, Duration polling) {
        this.controllers = controllers;
        this.responder = responder;
        this.counter = counter;
        this.links = links;
        long s = Math.max(1, Math.min(polling.toSeconds(), 86_399));
        this.sleep = String.format("%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    public void register(Routes all) {
        Routes r = all.on(SURFACE);
        r.get(BASE, Access.DEVICE, this::base);
        r.get(BASE + "/deploymentBase/{action_id}", Access.DEVICE, this::deploymentBase);
        r.post(BASE + "/deploymentBase/{action_id}/feedback", Access.DEVICE, this::feedback);
        r.get(BASE + "/cancelAction/{action_id}", Access.DEVICE, this::cancelAction);
        r.post(BASE + "/cancelAction/{action_id}/feedback", Access.DEVICE, ctx -> {
            DdiControllers.Controller c = controller(ctx);
            controllers.cancelFeedback(c, actionId(ctx));
            ctx.status(200);
        });
        r.put(BASE + "/configData", Access.DEVICE, this::configData);
        r.get(BASE + "/softwaremodules/{module_id}/artifacts", Access.DEVICE, ctx -> {
            DdiControllers.Controller c = controller(ctx);
            OtaBuild b = controllers.artifact(c, moduleId(ctx), null);
            ctx.json(List.of(artifact(ctx, c, b, controllers.sha1(b))));
        });
        r.get(BASE + "/softwaremodules/{module_id}/artifacts/{file_name}", Access.DEVICE, ctx -> download(ctx, true));
        r.head(BASE + "/softwaremodules/{module_id}/artifacts/{file_name}", Access.DEVICE, ctx -> download(ctx, false));
    }

    private DdiControllers.Controller controller(Context ctx) {
        return controllers.authenticate(ctx.pathParam("tenant"), ctx.pathParam("controller_id"), ctx.header("Authorization"));
    }

    private String self(Context ctx) {
        return links.base() + "/" + Links.encodePathSegment(ctx.pathParam("tenant")) + "/controller/v1/"
                + Links.encodePathSegment(ctx.pathParam("controller_id"));
    }

    private void base(Context ctx) {
        DdiControllers.Controller c = controller(ctx);
        DdiControllers.Poll p = controllers.poll(c);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("config", Map.of("polling", Map.of("sleep", sleep)));
        Map<String, Object> linksOut = new LinkedHashMap<>();
        if (p.cancel() != null) {
            linksOut.put("cancelAction", Map.of("href", self(ctx) + "/cancelAction/" + p.cancel()));
        } else if (p.deployment() != null) {
            linksOut.put("deploymentBase", Map.of("href", self(ctx) + "/deploymentBase/" + p.deployment()));
        }
        if ("{}".equals(c.installation().attributes())) {
            linksOut.put("configData", Map.of("href", self(ctx) + "/configData"));
        }
        out.put("_links", linksOut);
        ctx.json(out);
    }

    private void deploymentBase(Context ctx) {
        DdiControllers.Controller c = controller(ctx);
        DdiControllers.Deployment d = controllers.deployment(c, actionId(ctx));
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("part", "os");
        chunk.put("version", d.build().version());
        chunk.put("name", d.build().deviceCodename() + " " + d.build().variantCodename());
        chunk.put("artifacts", List.of(artifact(ctx, c, d.build(), d.sha1())));
        Map<String, Object> deployment = new LinkedHashMap<>();
        deployment.put("download", "forced");
        deployment.put("update", "forced");
        deployment.put("chunks", List.of(chunk));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", Long.toString(d.release().id()));
        out.put("deployment", deployment);
        ctx.json(out);
    }

    private Map<String, Object> artifact(Context ctx, DdiControllers.Controller c, OtaBuild b, String sha1) {
        String href = self(ctx) + "/softwaremodules/" + b.id() + "/artifacts/" + Links.encodePathSegment(b.fileName());
        Map<String, Object> hashes = new LinkedHashMap<>();
        hashes.put("sha1", sha1);
        hashes.put("md5", b.md5());
        hashes.put("sha256", b.sha256());
        Map<String, Object> artifactLinks = new LinkedHashMap<>();
        artifactLinks.put("download", Map.of("href", href));
        artifactLinks.put("download-http", Map.of("href", href));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("filename", b.fileName());
        out.put("hashes", hashes);
        out.put("size", b.size());
        out.put("_links", artifactLinks);
        return out;
    }

    private void feedback(Context ctx) throws IOException {
        DdiControllers.Controller c = controller(ctx);
        JsonNode body;
        try {
            body = JSON.readTree(new String(ctx.req().getInputStream().readNBytes(1 << 20), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DepotException.Invalid("invalid_feedback", "The feedback must be JSON.");
        }
        JsonNode status = body == null ? null : body.get("status");
        if (status == null || !status.path("execution").isTextual()) {
            throw new DepotException.Invalid("invalid_feedback", "The feedback needs status.execution.");
        }
        JsonNode result = status.path("result");
        JsonNode progress = result.path("progress");
        List<String> details = new ArrayList<>();
        for (JsonNode d : status.path("details")) {
            details.add(d.asText());
        }
        controllers.feedback(c, actionId(ctx), new DdiControllers.Feedback(status.get("execution").asText(),
                result.path("finished").isTextual() ? result.get("finished").asText() : null,
                progress.path("cnt").isInt() ? progress.get("cnt").asInt() : null,
                progress.path("of").isInt() ? progress.get("of").asInt() : null, details));
        ctx.status(200);
    }

    private void cancelAction(Context ctx) {
        DdiControllers.Controller c = controller(ctx);
        long id = controllers.cancel(c, actionId(ctx));
        ctx.json(Map.of("id", Long.toString(id), "cancelAction", Map.of("stopId", Long.toString(id))));
    }

    private void configData(Context ctx) throws IOException {
        DdiControllers.Controller c = controller(ctx);
        JsonNode body;
        try {
            body = JSON.readTree(new String(ctx.req().getInputStream().readNBytes(1 << 20), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DepotException.Invalid("invalid_config_data", "configData must be JSON.");
        }
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || !data.isObject() || data.size() > 100) {
            throw new DepotException.Invalid("invalid_config_data", "configData needs a 'data' object of at most 100 attributes.");
        }
        controllers.configData(c, JSON.writeValueAsString(data));
        ctx.status(200);
    }

    private void download(Context ctx, boolean body) throws IOException {
        DdiControllers.Controller c = controller(ctx);
        OtaBuild b = controllers.artifact(c, moduleId(ctx), ctx.pathParam("file_name"));
        responder.respond(ctx, new BlobResponder.Blob(b.sha256(), b.size(), b.fileName(), "application/octet-stream"), body,
                () -> counter.countDownload(b.id(), DownloadType.UPDATE));
    }

    private static long actionId(Context ctx) {
        return Params.id(ctx.pathParam("action_id")).orElseThrow(() ->
                new DepotException.NotFound("unknown_action", "There is no such action for this controller."));
    }

    private static long moduleId(Context ctx) {
        return Params.id(ctx.pathParam("module_id")).orElseThrow(() ->
                new DepotException.NotFound("unknown_artifact", "There is no such artifact."));
    }
}
