package dev.depot.api;

import dev.depot.auth.AuthService;
import dev.depot.auth.Principal;
import dev.depot.core.DepotException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import java.util.Optional;

/**
 * Runs before every matched route: resolves the {@code Authorization} header ({@code Token <t>}
 * as Koodous and shipper send it, {@code Bearer <t>} as Applivery does) and enforces the route's
 * {@link Access}. A route without a declared access is refused, so forgetting one fails closed. Web
 * pages sign in by the session cookie instead ({@link SessionCookie}).
 */
public final class Authenticator {
    private static final String PRINCIPAL = "depot.principal";
    private static final String MATCHED = "depot.matched";
    private final AuthService auth;

    public Authenticator(AuthService auth) {
        this.auth = auth;
    }

    public void check(Context ctx) {
        ctx.attribute(MATCHED, Boolean.TRUE);
        Access access = access(ctx);
        if (access == null) {
            throw new IllegalStateException("route " + ctx.endpoint().path + " declares no access");
        }
        if (access == Access.PUBLIC || access == Access.DEVICE) {
            return; // a device's credentials are its service's to check
        }
        Principal p = access.page() ? fromSession(ctx) : fromHeaderOrSession(ctx);
        if (!p.has(access.scope())) {
            throw new DepotException.Forbidden("insufficient_scope", access.page()
                    ? "This page is for admins." : "This token lacks the '" + access.scope().wireName() + "' scope.");
        }
        ctx.attribute(PRINCIPAL, p);
    }

    /** A page: the session cookie, and on anything but a read its CSRF token. */
    private Principal fromSession(Context ctx) {
        String secret = SessionCookie.secret(ctx);
        if (secret == null) {
            throw new DepotException.Unauthenticated(DepotException.Unauthenticated.Kind.MISSING);
        }
        Principal p = auth.authenticate(secret);
        if (!isRead(ctx) && !SessionCookie.csrfMatches(secret, SessionCookie.presentedCsrf(ctx))) {
            throw new DepotException.Forbidden("csrf", "The form's security token is missing or stale; reload the page and try again.");
        }
        return p;
    }

    /**
     * An API route: the Authorization header; without one, a browser's session cookie, but only
     * with its CSRF token in the header (so the web pages' scripts can call the API, and no other
     * site can make a browser do so).
     */
    private Principal fromHeaderOrSession(Context ctx) {
        String token = tokenOf(ctx);
        String secret = SessionCookie.secret(ctx);
        if (token == null && secret != null && ctx.header(SessionCookie.CSRF_HEADER) != null) {
            if (!SessionCookie.csrfMatches(secret, ctx.header(SessionCookie.CSRF_HEADER))) {
                throw new DepotException.Forbidden("csrf", "The X-CSRF-Token header does not match the session.");
            }
            return auth.authenticate(secret);
        }
        return auth.authenticate(token);
    }

    private static boolean isRead(Context ctx) {
        HandlerType m = ctx.method();
        return m.equals(HandlerType.GET) || m.equals(HandlerType.HEAD) || m.equals(HandlerType.OPTIONS);
    }

    /** The route's declared access, or null when the request matched none. */
    public static Access access(Context ctx) {
        return role(ctx, Access.class);
    }

    /** The surface the matched route answers on, or null when the request matched none. */
    public static Surface surface(Context ctx) {
        return role(ctx, Surface.class);
    }

    private static <T extends RouteRole> T role(Context ctx, Class<T> type) {
        for (RouteRole r : ctx.routeRoles()) {
            if (type.isInstance(r)) {
                return type.cast(r);
            }
        }
        return null;
    }

    /** The signed-in user of a public page, if the browser has a valid session; never throws. */
    public Optional<Principal> optionalSession(Context ctx) {
        String secret = SessionCookie.secret(ctx);
        if (secret == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(auth.authenticate(secret));
        } catch (DepotException e) {
            return Optional.empty();
        }
    }

    /** The secret in the Authorization header, or null when there is none. */
    static String tokenOf(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) {
            return null;
        }
        String h = header.trim();
        int space = h.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = h.substring(0, space);
        if (scheme.equalsIgnoreCase("Token") || scheme.equalsIgnoreCase("Bearer")) {
            String t = h.substring(space + 1).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    /** Whether the request reached a declared route (as opposed to no route at all). */
    static boolean matched(Context ctx) {
        return ctx.attribute(MATCHED) != null;
    }

    /** The caller a non-public route resolved, or null on a public route. */
    public static Principal principalIfAny(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    /** The caller of a route that requires a token. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("no principal: the route must not be PUBLIC");
        }
        return p;
    }
}
