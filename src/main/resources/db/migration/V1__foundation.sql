-- Depot's foundation schema. One migration set for SQLite and PostgreSQL: ${id} is the only
-- spelling that differs. Times are Unix epoch milliseconds (BIGINT) in UTC.

CREATE TABLE users (
    id ${id},
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    display_name TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    profile_picture TEXT NOT NULL DEFAULT '',
    contact_url TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);

CREATE TABLE api_tokens (
    id ${id},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE server_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE variants (
    id ${id},
    codename TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    release_type TEXT NOT NULL DEFAULT 'OFFICIAL',
    created_at BIGINT NOT NULL
);

CREATE TABLE devices (
    id ${id},
    codename TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    maintained BOOLEAN NOT NULL DEFAULT TRUE,
    visible BOOLEAN NOT NULL DEFAULT TRUE,
    note TEXT NOT NULL DEFAULT '',
    release_type TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE device_maintainers (
    device_id BIGINT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (device_id, user_id)
);

-- One row per uploaded artifact. OTA builds carry device, variant, version and build date;
-- app builds (a later migration) will carry an app instead.
CREATE TABLE builds (
    id ${id},
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    md5 TEXT NOT NULL,
    status TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    changelog TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    device_id BIGINT REFERENCES devices (id),
    variant_id BIGINT REFERENCES variants (id),
    version TEXT,
    build_date TEXT,
    x86_type TEXT,
    uploaded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX builds_ota_file_name ON builds (file_name) WHERE device_id IS NOT NULL;
CREATE INDEX builds_device_variant ON builds (device_id, variant_id, build_date);
CREATE INDEX builds_sha256 ON builds (sha256);

CREATE TABLE upload_sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    protocol TEXT NOT NULL,
    file_name TEXT NOT NULL,
    upload_offset BIGINT NOT NULL DEFAULT 0,
    total_length BIGINT,
    status INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    completed_at BIGINT,
    expires_at BIGINT NOT NULL
);
CREATE INDEX upload_sessions_user ON upload_sessions (user_id);
CREATE INDEX upload_sessions_expiry ON upload_sessions (expires_at);

CREATE TABLE download_events (
    id ${id},
    build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    download_type TEXT NOT NULL,
    occurred_at BIGINT NOT NULL
);
CREATE INDEX download_events_time ON download_events (occurred_at);
CREATE INDEX download_events_build ON download_events (build_id, occurred_at);

-- Architectures of x86 builds (codenames x86 and x86_64), named by the x86_type file-name group.
CREATE TABLE x86_types (
    id ${id},
    codename TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT ''
);
