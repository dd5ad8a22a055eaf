package dev.depot.tuf;

/** The TUF repository: its service, the refresher that signs this node's changes, and what it signs. */
public record Tuf(TufService service, TufRefresher refresher, TufTargets targets) {}
