package dev.depot.auth;

import java.util.Set;

/** Who is calling, authenticated by an API token, and what that token allows. */
public record Principal(long userId, String username, boolean admin, Set<Scope> scopes, long tokenId) {

    public boolean has(Scope scope) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
    }
}
