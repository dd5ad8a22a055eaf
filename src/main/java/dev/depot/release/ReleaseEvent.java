package dev.depot.release;

/** Something that happened to a release: created, a new percentage, paused, resumed, halted, completed, rolled back, failures cleared. */
public record ReleaseEvent(long id, long releaseId, String kind, String detail, String username, long occurredAt) {}
