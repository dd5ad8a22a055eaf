package dev.depot.api;

import dev.depot.auth.AuthService;
import dev.depot.auth.Principal;
import dev.depot.core.DepotException;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * Runs before every matched route: resolves the {@code Authorization} header ({@code Token <t>}
 * as Koodous and shipper send it, {@code Bearer <t>} as Applivery does) and enforces the route's
 * {@link Access}. A route without a declared access is refused, so forgetting one fails closed.
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
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) {
            throw new IllegalStateException("route " + ctx.endpoint().path + " declares no access");
        }
        Access access = (Access) roles.iterator().next();
        if (access == Access.PUBLIC) {
            return;
        }
        Principal p = auth.authenticate(tokenOf(ctx));
        if (!p.has(access.scope())) {
            throw new DepotException.Forbidden("insufficient_scope",
                    "This token lacks the '" + access.scope().wireName() + "' scope.");
        }
        ctx.attribute(PRINCIPAL, p);
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

    /** The caller of a route that requires a token. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("no principal: the route must not be PUBLIC");
        }
        return p;
    }
}
