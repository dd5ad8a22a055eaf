package dev.depot.api.koodous;

import dev.depot.api.Access;
import dev.depot.api.Responses;
import dev.depot.api.Routes;
import dev.depot.api.download.BlobResponder;
import dev.depot.core.DepotException;
import dev.depot.feed.Feed;
import dev.depot.feed.FeedPackageName;
import dev.depot.feed.FeedPackages;
import dev.depot.feed.FeedReceipt;
import dev.depot.feed.FeedReceipts;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Koodous' APK feed (seed 000): {@code GET /feed/apks[?package=P]} answers a zip with one entry,
 * {@code samples}, of {@code <sha256>;<link>} lines, named {@code apk_<P>.zip}; the links are
 * signed and need no token. Beyond the seed: {@code format=jsonl}, {@code /feed/apks/status}.
 */
public final class FeedRoutes {
    private final Feed feed;
    private final BlobResponder responder;
    private final Clock clock;

    public FeedRoutes(Feed feed, BlobResponder responder, Clock clock) {
        this.feed = feed;
        this.responder = responder;
        this.clock = clock;
    }

    public void register(Routes all) {
        Routes routes = all.on(FeedErrors.SURFACE, "/feed/");
        routes.get("/feed/apks", Access.FEED, ctx -> apks(ctx, true));
        routes.head("/feed/apks", Access.FEED, ctx -> apks(ctx, false));
        routes.get("/feed/apks/status", Access.FEED, this::status);
        routes.get("/feed/files/{link}/{file}", Access.PUBLIC, ctx -> file(ctx, true));
        routes.head("/feed/files/{link}/{file}", Access.PUBLIC, ctx -> file(ctx, false));
    }

    private void apks(Context ctx, boolean body) {
        String p = ctx.queryParam("package");
        FeedPackageName name = p == null ? FeedPackageName.lastClosed(clock.millis()) : FeedPackageName.parse(p);
        String format = ctx.queryParam("format");
        if (format != null && !format.equals("zip") && !format.equals("jsonl")) {
            throw new DepotException.Invalid("invalid_format", "The format is zip (the default) or jsonl.");
        }
        if ("jsonl".equals(format)) {
            byte[] lines = feed.packages().jsonLines(name);
            ctx.contentType("application/x-ndjson");
            ctx.header("Content-Disposition", "attachment; filename=\"apk_" + name.text() + ".jsonl\"");
            send(ctx, lines, body);
            return;
        }
        FeedPackages.Package pkg = feed.packages().packageFor(name);
        String etag = "\"" + pkg.sha256() + "\"";
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "private, max-age=604800, immutable");
        ctx.header("Content-Disposition", "attachment; filename=\"apk_" + name.text() + ".zip\"");
        ctx.contentType("application/zip");
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        send(ctx, pkg.zip(), body);
    }

    private static void send(Context ctx, byte[] bytes, boolean body) {
        if (body) {
            Responses.write(ctx, bytes);
        } else {
            ctx.header("Content-Length", Integer.toString(bytes.length));
        }
    }

    private void status(Context ctx) {
        Map<Long, Integer> windows = feed.receipts().availableWindows();
        List<Map<String, Object>> five = new ArrayList<>();
        Map<Long, int[]> hours = new LinkedHashMap<>();
        windows.forEach((start, count) -> {
            five.add(Map.of("package", FeedPackageName.fiveMinuteName(start), "samples", count,
                    "availableUntil", Instant.ofEpochMilli(start + FeedPackageName.FIVE_MINUTES).plus(FeedReceipts.AVAILABLE).toString()));
            long hour = Math.floorDiv(start, FeedPackageName.HOUR) * FeedPackageName.HOUR;
            int[] h = hours.computeIfAbsent(hour, k -> new int[2]);
            h[0] += count;
            h[1]++;
        });
        List<Map<String, Object>> hourly = new ArrayList<>();
        hours.forEach((start, h) -> {
            if (h[1] == 12) { // only hours whose every window is closed and still available
                hourly.add(Map.of("package", FeedPackageName.fiveMinuteName(start).substring(0, 11), "samples", h[0],
                        "availableUntil", Instant.ofEpochMilli(start + FeedPackageName.HOUR).plus(FeedReceipts.AVAILABLE).toString()));
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("latest", five.isEmpty() ? null : five.getLast().get("package"));
        out.put("next", FeedPackageName.fiveMinuteName(FeedPackageName.lastClosed(clock.millis()).start() + FeedPackageName.FIVE_MINUTES));
        out.put("fiveMinutes", five);
        out.put("hourly", hourly);
        ctx.json(out);
    }

    private void file(Context ctx, boolean body) throws IOException {
        String sha256 = feed.links().open(ctx.pathParam("link"));
        FeedReceipt r = feed.receipts().receipt(sha256).orElseThrow(() -> new DepotException.NotFound("entity_not_found", "Entity not found"));
        responder.respond(ctx, new BlobResponder.Blob(sha256, r.size(), sha256 + ".apk",
                "application/vnd.android.package-archive"), body, () -> feed.receipts().countDownload(sha256));
    }
}
