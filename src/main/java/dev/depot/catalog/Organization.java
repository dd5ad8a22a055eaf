package dev.depot.catalog;

/** A tenant: its apps and builds are visible only to its members (and server admins). */
public record Organization(long id, String slug, String name, long createdAt) {}
