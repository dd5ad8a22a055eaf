package dev.depot.web;

import dev.depot.api.Authenticator;
import dev.depot.api.ErrorRenderer;
import dev.depot.api.SessionCookie;
import dev.depot.api.Surface;
import dev.depot.auth.Principal;
import dev.depot.core.DepotException;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the jte templates compiled with the jar, with the {@link Viewer} every page's header
 * needs, and renders errors on signed-in pages as pages: no session sends a browser to sign in,
 * the rest show their status and message.
 */
public final class PageRenderer implements ErrorRenderer {
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);

    private final Authenticator authenticator;

    private final Surface surface = new Surface("pages", this);

    public PageRenderer(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** The web pages' surface: errors render as pages (no session sends a browser to sign in). */
    public Surface surface() {
        return surface;
    }

    /** The signed-in user: the principal a signed-in route resolved, or on a public page the session if any. */
    public Optional<Principal> principal(Context ctx) {
        Principal p = Authenticator.principalIfAny(ctx);
        return p != null ? Optional.of(p) : authenticator.optionalSession(ctx);
    }

    public Viewer viewer(Context ctx) {
        String secret = SessionCookie.secret(ctx);
        return principal(ctx).map(p -> new Viewer(p.username(), p.admin(), SessionCookie.csrf(secret))).orElse(null);
    }

    public void render(Context ctx, String template, Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        all.put("viewer", viewer(ctx));
        StringOutput out = new StringOutput();
        TEMPLATES.render(template, all, out);
        ctx.header("Cache-Control", "no-store");
        hardenHtml(ctx);
        ctx.html(out.toString());
    }

    /**
     * What a browser may do with a page: run only Depot's own scripts (so text that slipped past
     * escaping still could not run), post forms only to Depot, never be framed by another site.
     * Styles may be inline: htmx and uPlot set some.
     */
    private static void hardenHtml(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
    }

    /** An error page with this status and message. */
    public void error(Context ctx, int status, String message) {
        ctx.status(status);
        render(ctx, "error.jte", Map.of("status", status, "message", message));
    }

    /** An error page whose way on is {@code backText} at {@code backUrl} instead of the list of devices. */
    public void error(Context ctx, int status, String message, String backUrl, String backText) {
        ctx.status(status);
        render(ctx, "error.jte", Map.of("status", status, "message", message, "backUrl", backUrl, "backText", backText));
    }

    @Override
    public void internal(Context ctx) {
        error(ctx, 500, "Something went wrong on the server; it has been logged. Try again.");
    }

    /** How a page answers a domain error. */
    @Override
    public void render(Context ctx, DepotException e) {
        switch (e) {
            case DepotException.Unauthenticated u -> {
                if (ctx.method().equals(HandlerType.GET)) {
                    String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                    ctx.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
                } else {
                    error(ctx, 401, "Your session has ended; sign in again.");
                }
            }
            case DepotException.NotFound n -> error(ctx, 404, e.getMessage());
            case DepotException.Forbidden f -> error(ctx, 403, e.getMessage());
            case DepotException.Invalid i -> error(ctx, 400, e.getMessage());
            case DepotException.Conflict c -> error(ctx, 409, e.getMessage());
            case DepotException.Gone g -> error(ctx, 410, e.getMessage());
            case DepotException.Throttled t -> error(ctx, 429, "Too many attempts; try again in " + t.retryAfterSeconds() + " s.");
            case DepotException.Unavailable u -> error(ctx, 503, e.getMessage());
            case DepotException.InsufficientStorage s -> error(ctx, 507, e.getMessage());
            case DepotException.NotAvailable n -> error(ctx, 404, e.getMessage());
        }
    }
}
