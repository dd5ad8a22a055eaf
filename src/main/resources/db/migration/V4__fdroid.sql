-- The index-v2 documents an F-Droid repository has published, so that diffs against them can be
-- served (JSON Merge Patch from each of the last indexes to the current one).
CREATE TABLE fdroid_snapshots (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    timestamp_ms BIGINT NOT NULL,
    index_sha256 TEXT NOT NULL,
    index_size BIGINT NOT NULL,
    num_packages INTEGER NOT NULL,
    PRIMARY KEY (repository_id, revision)
);
