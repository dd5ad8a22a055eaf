package dev.depot.ota;

/** A ROM flavour such as gapps or vanilla, with the release type phones compare ({@code ro.lineage.releasetype}). */
public record Variant(long id, String codename, String description, String releaseType) {}
