package dev.depot.auth;

import java.util.Set;

/** A stored token, without its secret (only a hash of the secret is kept). */
public record ApiToken(long id, long userId, String name, Set<Scope> scopes, long createdAt, Long expiresAt,
                       Long lastUsedAt, Long revokedAt, Long appId) {

    ApiToken usedAt(long millis) {
        return new ApiToken(id, userId, name, scopes, createdAt, expiresAt, millis, revokedAt, appId);
    }
}
