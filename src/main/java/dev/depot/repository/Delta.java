package dev.depot.repository;

import java.util.List;

/** The net change between a past state and now: entries added and entries removed since. */
public record Delta(String fromHash, String toHash, long fromRevision, long toRevision, List<Change> added,
                    List<Change> removed) {

    /** A build that entered or left the repository. */
    public record Change(long buildId, String packageName, long versionCode) {}
}
