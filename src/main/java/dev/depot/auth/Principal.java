package dev.depot.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling, authenticated by an API token, and what that token allows. {@code appId} is set
 * for a token bound to one app (Applivery's app tokens): uploads with it go to that app.
 */
public record Principal(long userId, String username, boolean admin, Set<Scope> scopes, long tokenId, Long appId) {

    /** The server's operator acting through the admin CLI: every scope, no token, no user. */
    public static Principal operator() {
        return new Principal(-1, "(operator)", true, EnumSet.allOf(Scope.class), -1, null);
    }

    public boolean has(Scope scope) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
    }
}
