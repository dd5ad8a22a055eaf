-- Repositories: published sets of app builds. Every change is a revision with a state hash; the
-- changes of each revision are kept, so "what changed since hash H" reads only those changes.
CREATE TABLE repositories (
    id ${id},
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    revision BIGINT NOT NULL DEFAULT 0,
    state_hash TEXT NOT NULL,
    state_sum TEXT NOT NULL,
    entries_count INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- What a repository holds now. Unpublishing (also when a build is disabled or deleted) goes
-- through the service so that it makes a revision; the cascade only guards against orphans.
CREATE TABLE repository_entries (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    package_name TEXT NOT NULL,
    version_code BIGINT NOT NULL,
    signer TEXT NOT NULL,
    published_revision BIGINT NOT NULL,
    PRIMARY KEY (repository_id, build_id)
);
CREATE INDEX repository_entries_package ON repository_entries (repository_id, package_name);

CREATE TABLE repository_revisions (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    state_hash TEXT NOT NULL,
    entries_count INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (repository_id, revision)
);
-- (repository, hash, revision): the latest revision of a hash is one index lookup, also when
-- the hash is unknown (a max over the primary key would scan backwards through every revision).
CREATE INDEX repository_revisions_hash ON repository_revisions (repository_id, state_hash, revision);

CREATE TABLE repository_changes (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    build_id BIGINT NOT NULL,
    change TEXT NOT NULL,
    package_name TEXT NOT NULL,
    version_code BIGINT NOT NULL,
    PRIMARY KEY (repository_id, revision, build_id)
);
