package dev.depot.api;

import dev.depot.api.nativeapi.Envelope;
import dev.depot.api.shipper.ShipperErrors;
import dev.depot.api.koodous.FeedErrors;
import dev.depot.api.tus.TusErrors;
import dev.depot.feed.FeedService;
import dev.depot.core.DepotException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place exceptions become responses: each surface renders domain errors its own way. */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    /** How the web pages answer errors: as pages (a sign-in redirect, an HTML page with the status). */
    public interface PageErrors {
        void render(Context ctx, DepotException e);

        /** An unexpected failure, already logged. */
        void internal(Context ctx);
    }

    /** @param pages renders errors on web pages ({@link Access#page()}); the API surfaces render their own bodies */
    public static void install(RoutesConfig routes, PageErrors pages) {
        routes.exception(DepotException.class, (e, ctx) -> {
            if (isPage(ctx)) {
                if (e instanceof DepotException.Throttled t) {
                    ctx.header("Retry-After", Long.toString(t.retryAfterSeconds()));
                }
                if (e instanceof DepotException.InsufficientStorage) {
                    ctx.header("Retry-After", Long.toString(DepotException.InsufficientStorage.RETRY_AFTER_SECONDS));
                }
                pages.render(ctx, e);
            } else {
                render(ctx, e);
            }
        });
        routes.exception(FeedService.NotAvailable.class, (e, ctx) -> FeedErrors.render(ctx, e));
        routes.exception(Exception.class, (e, ctx) -> {
            Optional<String> malformed = malformedRequest(e);
            if (malformed.isPresent()) {
                // the client's mistake, not the server's: answered as any bad request, not logged as an error
                log.debug("malformed request on {} {}: {}", ctx.method(), ctx.path(), malformed.get());
                DepotException.Invalid bad = Responses.unreadableBody(ctx, "malformed_request",
                        "The request body could not be read: " + malformed.get() + ".");
                if (isPage(ctx)) {
                    pages.render(ctx, bad);
                } else {
                    render(ctx, bad);
                }
                return;
            }
            if (dev.depot.core.StorageFull.causedBy(e)) {
                log.warn("no room to store on {} {}: {}", ctx.method(), ctx.path(), rootMessage(e));
                DepotException.InsufficientStorage full = dev.depot.core.StorageFull.error();
                if (isPage(ctx)) {
                    ctx.header("Retry-After", Long.toString(DepotException.InsufficientStorage.RETRY_AFTER_SECONDS));
                    pages.render(ctx, full);
                } else {
                    render(ctx, full);
                }
                return;
            }
            if (lostDatabase(e)) {
                log.warn("database unavailable on {} {}: {}", ctx.method(), ctx.path(), rootMessage(e));
                render(ctx, new DepotException.Unavailable("database_unavailable",
                        "The database did not answer; nothing was changed. Try again shortly."));
                return;
            }
            log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            if (isPage(ctx)) {
                pages.internal(ctx);
            } else if (isShipper(ctx)) {
                ShipperErrors.internal(ctx);
            } else {
                Envelope.internal(ctx);
            }
        });
        // Unmatched paths get the surface's own 404 body; matched routes rendered their own.
        routes.error(404, "*", ctx -> {
            if (!Authenticator.matched(ctx)) {
                render(ctx, new DepotException.NotFound("route_not_found", "Not found."));
            }
        });
    }

    /**
     * True when {@code e} comes from the database being out of reach (no connection within the
     * pool's timeout, or a connection that broke: SQLState class 08, or a PostgreSQL server
     * shutting down, 57P), rather than from a bug.
     */
    static boolean lostDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What was wrong with the request when the HTTP server could not read its body (a multipart
     * type without a boundary, a truncated multipart body, a broken chunked encoding, a body that
     * ended early): Jetty says so with an HTTP exception of a 4xx code somewhere in the chain.
     */
    static Optional<String> malformedRequest(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jetty.http.HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                String reason = http.getReason() == null || http.getReason().isBlank() ? t.getMessage() : http.getReason();
                return Optional.of(reason == null || reason.isBlank() ? "malformed" : reason.replaceFirst("^\\d{3}: ", ""));
            }
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    static void render(Context ctx, DepotException e) {
        if (e instanceof DepotException.Throttled t) {
            ctx.header("Retry-After", Long.toString(t.retryAfterSeconds()));
        }
        if (e instanceof DepotException.InsufficientStorage) {
            ctx.header("Retry-After", Long.toString(DepotException.InsufficientStorage.RETRY_AFTER_SECONDS));
        }
        if (isShipper(ctx)) {
            ShipperErrors.render(ctx, e);
        } else if (TusErrors.handles(ctx)) {
            TusErrors.render(ctx, e);
        } else if (FeedErrors.handles(ctx)) {
            FeedErrors.render(ctx, e);
        } else {
            Envelope.error(ctx, e);
        }
    }

    private static boolean isPage(Context ctx) {
        Access access = Authenticator.access(ctx);
        return access != null && access.page();
    }

    private static boolean isShipper(Context ctx) {
        return ctx.path().startsWith("/api/");
    }
}
