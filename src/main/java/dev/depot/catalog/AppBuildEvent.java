package dev.depot.catalog;

import org.jdbi.v3.core.Handle;

/** What happens to app builds, for the features that follow them (the feed, repositories). */
public sealed interface AppBuildEvent {

    /**
     * A build whose bytes are stored was recorded. Said again when an interrupted completion of
     * its upload finds it, since the listeners may not have heard of it before the crash: they
     * must take it twice as once.
     */
    record Added(AppBuild build) implements AppBuildEvent {}

    /** Inspection read the build. */
    record Processed(AppBuild build) implements AppBuildEvent {}

    /**
     * The build is being disabled or deleted: said inside that transaction, after the build's row
     * is locked, so what holds the build (a repository) lets go of it in the same transaction.
     */
    record Withdrawn(Handle transaction, long buildId) implements AppBuildEvent {}
}
