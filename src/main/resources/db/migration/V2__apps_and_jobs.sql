-- Organizations own apps; users belong to organizations with a role.
CREATE TABLE organizations (
    id ${id},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE apps (
    id ${id},
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    platform TEXT NOT NULL,
    package_name TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, slug)
);

-- App builds share the builds table with OTA builds.
ALTER TABLE builds ADD COLUMN app_id BIGINT REFERENCES apps (id) ON DELETE CASCADE;
ALTER TABLE builds ADD COLUMN version_code BIGINT;
ALTER TABLE builds ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE builds ADD COLUMN processed_at BIGINT;
-- What inspection found in the file (JSON), for every kind of build.
ALTER TABLE builds ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';
CREATE INDEX builds_app ON builds (app_id, created_at);

-- A token may be bound to one app (Applivery's app tokens): uploads with it go to that app.
ALTER TABLE api_tokens ADD COLUMN app_id BIGINT REFERENCES apps (id) ON DELETE CASCADE;

-- Extra upload facts (tus metadata, the declared SHA-256, where the build goes).
ALTER TABLE upload_sessions ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';

-- The persistent job queue. A job is claimed by moving it to 'running' with a lease; a lease
-- that runs out (a crashed worker) puts the job back in line.
CREATE TABLE jobs (
    id ${id},
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at BIGINT NOT NULL,
    leased_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at);
