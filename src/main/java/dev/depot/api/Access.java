package dev.depot.api;

import dev.depot.auth.Scope;
import io.javalin.security.RouteRole;

/** What a route requires: nothing ({@link #PUBLIC}) or a token with one scope. Every route states one. */
public enum Access implements RouteRole {
    PUBLIC(null),
    READ(Scope.READ),
    UPLOAD(Scope.UPLOAD),
    PUBLISH(Scope.PUBLISH),
    FEED(Scope.FEED),
    ADMIN(Scope.ADMIN);

    private final Scope scope;

    Access(Scope scope) {
        this.scope = scope;
    }

    /** The scope a token needs, or null for a public route. */
    public Scope scope() { return scope; }
}
