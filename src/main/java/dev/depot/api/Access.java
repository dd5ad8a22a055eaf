package dev.depot.api;

import dev.depot.auth.Scope;
import io.javalin.security.RouteRole;

/**
 * What a route requires: nothing ({@link #PUBLIC}), a device's own credentials ({@link #DEVICE}),
 * a token with one scope, or, for the web
 * pages, a signed-in browser session ({@link #SIGNED_IN}, {@link #SIGNED_IN_ADMIN}). Every route
 * states one.
 */
public enum Access implements RouteRole {
    PUBLIC(null, false),
    /**
     * A device speaking for itself: no user token, but the credentials of an installation (its
     * token) or of its device (a DDI gateway token), which the route's service checks.
     */
    DEVICE(null, false),
    READ(Scope.READ, false),
    UPLOAD(Scope.UPLOAD, false),
    PUBLISH(Scope.PUBLISH, false),
    FEED(Scope.FEED, false),
    ADMIN(Scope.ADMIN, false),
    /** A web page for any signed-in user: the session cookie, and its CSRF token on anything but a read. */
    SIGNED_IN(Scope.READ, true),
    /** A web page for signed-in admins. */
    SIGNED_IN_ADMIN(Scope.ADMIN, true);

    private final Scope scope;
    private final boolean page;

    Access(Scope scope, boolean page) {
        this.scope = scope;
        this.page = page;
    }

    /** The scope a token needs, or null for a public route. */
    public Scope scope() { return scope; }

    /** Whether this is a web page signed in by the session cookie (errors render as HTML). */
    public boolean page() { return page; }
}
