package dev.depot.api;

import dev.depot.core.DepotException;
import dev.depot.core.StorageFull;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become responses. What an exception means is decided here (a domain
 * error, a body the server could not read, a full disk, a lost database, a bug); how it is written
 * is the {@link Surface} of the route that failed, declared when the route was registered.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    public static void install(RoutesConfig config, RouteTable routes) {
        config.exception(DepotException.class, (e, ctx) -> respond(ctx, routes, e));
        config.exception(Exception.class, (e, ctx) -> {
            Optional<String> malformed = malformedRequest(e);
            if (malformed.isPresent()) {
                // the client's mistake, not the server's: answered as any bad request, not logged as an error
                log.debug("malformed request on {} {}: {}", ctx.method(), ctx.path(), malformed.get());
                respond(ctx, routes, Responses.unreadableBody(ctx, "malformed_request",
                        "The request body could not be read: " + malformed.get() + "."));
            } else if (StorageFull.causedBy(e)) {
                log.warn("no room to store on {} {}: {}", ctx.method(), ctx.path(), rootMessage(e));
                respond(ctx, routes, StorageFull.error());
            } else if (busyDatabase(e)) {
                log.warn("database busy on {} {}: {}", ctx.method(), ctx.path(), rootMessage(e));
                ctx.header("Retry-After", "1");
                respond(ctx, routes, new DepotException.Unavailable("database_busy",
                        "The database was too busy to take this change; nothing was changed. Try again."));
            } else if (lostDatabase(e)) {
                log.warn("database unavailable on {} {}: {}", ctx.method(), ctx.path(), rootMessage(e));
                respond(ctx, routes, new DepotException.Unavailable("database_unavailable",
                        "The database did not answer; nothing was changed. Try again shortly."));
            } else {
                log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                surfaceOf(ctx, routes).errors().internal(ctx);
            }
        });
        // Unmatched paths get the surface's own 404 body; matched routes rendered their own.
        config.error(404, "*", ctx -> {
            if (!Authenticator.matched(ctx)) {
                respond(ctx, routes, new DepotException.NotFound("route_not_found", "Not found."));
            }
        });
    }

    private static void respond(Context ctx, RouteTable routes, DepotException e) {
        switch (e) {
            case DepotException.Throttled t -> ctx.header("Retry-After", Long.toString(t.retryAfterSeconds()));
            case DepotException.InsufficientStorage s ->
                    ctx.header("Retry-After", Long.toString(DepotException.InsufficientStorage.RETRY_AFTER_SECONDS));
            case DepotException.NotAvailable n when n.retryAfterSeconds() > 0 ->
                    ctx.header("Retry-After", Long.toString(n.retryAfterSeconds()));
            default -> { }
        }
        surfaceOf(ctx, routes).errors().render(ctx, e);
    }

    private static Surface surfaceOf(Context ctx, RouteTable routes) {
        Surface matched = Authenticator.surface(ctx);
        return matched != null ? matched : routes.surfaceOfUnmatched(ctx.path());
    }

    /**
     * True when {@code e} comes from the database being out of reach (no connection within the
     * pool's timeout, or a connection that broke: SQLState class 08, or a PostgreSQL server
     * shutting down, 57P), rather than from a bug.
     */
    static boolean lostDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code e} is the database refusing to wait longer for a lock: SQLite's busy or
     * locked (a writer that queued past the busy timeout), PostgreSQL's lock timeout, deadlock or
     * serialization failure. The change was rolled back, and the same request may simply be sent again.
     */
    static boolean busyDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s && s.getResultCode() != null) {
                int primary = s.getResultCode().code & 0xff;
                if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
                    return true;
                }
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().equals("55P03") || sql.getSQLState().equals("40P01") || sql.getSQLState().equals("40001"))) {
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
            if (t instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
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
}
