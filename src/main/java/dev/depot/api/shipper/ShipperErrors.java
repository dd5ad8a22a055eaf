package dev.depot.api.shipper;

import dev.depot.api.ErrorRenderer;
import dev.depot.api.Surface;
import dev.depot.core.DepotException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Renders domain errors in shipper's shapes, which differ by endpoint family:
 * updater and general endpoints answer {@code {"message"}}; authentication, throttling and
 * chunk-level upload errors answer Django REST framework's {@code {"detail"}} (plus
 * {@code message}, the only field shippy prints); everything else answers {@code {"error","message"}}.
 */
public final class ShipperErrors implements ErrorRenderer {
    /** The updater's and the general endpoints: {@code {"message"}}. */
    public static final Surface UPDATER = new Surface("shipper-updater", new ShipperErrors(true));
    /** Everything else of shipper's: {@code {"detail"}} or {@code {"error","message"}}. */
    public static final Surface MAINTAINER = new Surface("shipper", new ShipperErrors(false));

    /** Errors Django REST framework and drf-chunked-upload report as {@code detail}. */
    private static final Set<String> DETAIL_REASONS = Set.of("offset_mismatch", "size_mismatch", "past_end",
            "too_large", "expired", "already_complete", "no_chunk", "bad_headers", "length_mismatch",
            "checksum_mismatch", "missing_checksum", "incomplete", "interrupted", "unknown_upload",
            "concurrent_append", "unsupported_checksum", "unknown_build", "bad_multipart", "invalid_checksum");

    private final boolean messageOnly;

    private ShipperErrors(boolean messageOnly) {
        this.messageOnly = messageOnly;
    }

    @Override
    public void render(Context ctx, DepotException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean detail = e instanceof DepotException.Unauthenticated || e instanceof DepotException.Throttled
                || e.reason().equals("insufficient_scope") || DETAIL_REASONS.contains(e.reason())
                || e.reason().equals("route_not_found");
        if (messageOnly) {
            body.put("message", e.getMessage());
        } else if (detail) {
            body.put("detail", e.getMessage());
            body.put("message", e.getMessage());
            body.putAll(e.details());
        } else {
            body.put("error", e.reason());
            body.put("message", e.getMessage());
            body.putAll(e.details());
        }
        ctx.status(status(e)).json(body);
    }

    static int status(DepotException e) {
        return switch (e) {
            case DepotException.NotFound n -> 404;
            case DepotException.Unauthenticated u -> 401;
            // shipper answers 401 for a maintainer acting on someone else's device
            case DepotException.Forbidden f -> f.reason().equals("insufficient_scope") ? 403 : 401;
            case DepotException.Invalid i -> 400;
            case DepotException.Conflict c -> 400;
            case DepotException.Gone g -> 410;
            case DepotException.Throttled t -> 429;
            case DepotException.Unavailable u -> 503;
            case DepotException.InsufficientStorage s -> 507;
            case DepotException.NotAvailable n -> 404;
        };
    }

    @Override
    public void internal(Context ctx) {
        ctx.status(500).json(Map.of("error", "internal_error", "message", "An internal server error occurred."));
    }
}
