package dev.depot.api.nativeapi;

import dev.depot.api.ErrorRenderer;
import dev.depot.api.Surface;
import dev.depot.core.DepotException.Unauthenticated;
import dev.depot.core.DepotException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The native API's envelope, Applivery's: {@code {"status":true,"data":...}} and
 * {@code {"status":false,"error":{"code":N,"message":"..."}}}. The codes are listed in
 * {@code docs/api.md}.
 */
public final class Envelope {
    /** The native API's surface (also Applivery's, the repositories' and the downloads'). */
    public static final Surface SURFACE = new Surface("native", new ErrorRenderer() {
        @Override
        public void render(Context ctx, DepotException e) {
            error(ctx, e);
        }

        @Override
        public void internal(Context ctx) {
            Envelope.internal(ctx);
        }
    });

    private Envelope() {}

    public static void ok(Context ctx, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", true);
        body.put("data", data);
        ctx.json(body);
    }

    /** Codes for particular reasons, ahead of the codes by kind of error. */
    private static final Map<String, Integer> CODE_BY_REASON = Map.of(
            "build_not_processed", 5014,
            "token_expired", 4005,
            "apk_not_available", 5016,
            "unknown_hash", 3002);

    public static void error(Context ctx, DepotException e) {
        int[] statusAndCode = switch (e) {
            case DepotException.NotFound n -> new int[] {404, 3001};
            case Unauthenticated u -> switch (u.kind()) {
                case MISSING -> new int[] {401, 4002};
                case INVALID -> new int[] {401, 4004};
                case EXPIRED -> new int[] {401, 4005};
            };
            case DepotException.Forbidden f -> new int[] {403, 4003};
            case DepotException.Invalid i -> new int[] {400, 4000};
            case DepotException.Conflict c -> new int[] {409, 4009};
            case DepotException.Gone g -> new int[] {410, 4010};
            case DepotException.Throttled t -> new int[] {429, 4029};
            case DepotException.Unavailable u -> new int[] {503, 5003};
            case DepotException.InsufficientStorage s -> new int[] {507, 5007};
            case DepotException.NotAvailable n -> new int[] {404, 3001};
        };
        int code = CODE_BY_REASON.getOrDefault(e.reason(), statusAndCode[1]);
        String message = e instanceof Unauthenticated u ? switch (u.kind()) {
            case MISSING -> "No auth token";
            case INVALID -> "Invalid token";
            case EXPIRED -> "Token Expired";
        } : code == 3001 && applivery(ctx) ? "Entity not found" : e.getMessage();
        write(ctx, statusAndCode[0], code, message);
    }

    /**
     * The routes of Applivery's download-token contract (seed 002), whose clients get Applivery's
     * exact message for 3001; elsewhere the message says what was not found.
     */
    private static boolean applivery(Context ctx) {
        String path = ctx.path();
        return path.endsWith("/downloadToken") || path.startsWith("/v1/download/");
    }

    public static void internal(Context ctx) {
        write(ctx, 500, 1000, "Internal error");
    }

    private static void write(Context ctx, int status, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", false);
        body.put("error", error);
        ctx.status(status).json(body);
    }
}
