package dev.depot.jobs;

/** A claimed unit of background work. {@code attempts} counts this one. */
public record Job(long id, String kind, String payload, int attempts) {}
