package dev.depot.repository;

import dev.depot.core.StateCache;

/** A published set of app builds, at its current revision and state hash. */
public record Repository(long id, long organizationId, String name, String title, String description, long revision,
                         String stateHash, String stateSum, int entriesCount, long createdAt, long updatedAt) {
    /** How what is made from a repository's state is kept: per repository, newest revision kept, told apart by state hash. */
    public static final StateCache.Keys<Repository> KEYS = new StateCache.Keys<>(Repository::id, Repository::revision,
            Repository::stateHash);
}
