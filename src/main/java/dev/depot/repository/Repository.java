package dev.depot.repository;

/** A published set of app builds, at its current revision and state hash. */
public record Repository(long id, long organizationId, String name, String title, String description, long revision,
                         String stateHash, String stateSum, int entriesCount, long createdAt, long updatedAt) {}
