package dev.depot.catalog;

/** A product of an organization: an Android package or an iOS bundle. */
public record App(long id, long organizationId, String organizationSlug, String slug, String name, String platform,
                  String packageName, long createdAt) {}
