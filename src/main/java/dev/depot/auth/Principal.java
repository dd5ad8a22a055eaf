package dev.depot.auth;

import java.util.Set;

/**
 * Who is calling, authenticated by an API token, and what that token allows. {@code appId} is set
 * for a token bound to one app (Applivery's app tokens): uploads with it go to that app.
 */
public record Principal(long userId, String username, boolean admin, Set<Scope> scopes, long tokenId, Long appId) {

    public boolean has(Scope scope) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
    }
}
