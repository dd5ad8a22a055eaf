-- Controlled releases. A channel belongs to one device (ROM builds) or one app; its stability
-- orders it (0 is the most stable): a channel offers its own releases and those of every more
-- stable channel of the same device or app. One channel of each is the default, which clients
-- that name none are given.
CREATE TABLE channels (
    id ${id},
    device_id BIGINT REFERENCES devices (id) ON DELETE CASCADE,
    app_id BIGINT REFERENCES apps (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    stability INTEGER NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX channels_device_name ON channels (device_id, name) WHERE device_id IS NOT NULL;
CREATE UNIQUE INDEX channels_app_name ON channels (app_id, name) WHERE app_id IS NOT NULL;

-- A build released to a channel, to a share of its devices (basis points: 100 = 1 %). The
-- channel's current release is its newest one not rolled back; rolling back makes the one before
-- current again. The funnel counts installations, each once per step, and is kept for as long as
-- the release is; the halt rule reads it.
CREATE TABLE releases (
    id ${id},
    channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    basis_points INTEGER NOT NULL,
    allow_downgrade BOOLEAN NOT NULL DEFAULT FALSE,
    failure_threshold_bp INTEGER NOT NULL,
    min_finished INTEGER NOT NULL,
    halt_reason TEXT,
    halted_at BIGINT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    offered BIGINT NOT NULL DEFAULT 0,
    downloading BIGINT NOT NULL DEFAULT 0,
    downloaded BIGINT NOT NULL DEFAULT 0,
    installing BIGINT NOT NULL DEFAULT 0,
    installed BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    -- the funnel's installed and failed when a person last resumed it: the halt rule counts from there
    rule_installed_from BIGINT NOT NULL DEFAULT 0,
    rule_failed_from BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX releases_channel ON releases (channel_id, id);
CREATE INDEX releases_build ON releases (build_id);

-- Failures of a release by reason and hour, kept always (the release page draws them).
CREATE TABLE release_failures (
    release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    hour BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    PRIMARY KEY (release_id, reason, hour)
);

-- What a release did, in order: created, percentage changed, paused, resumed, halted (and why),
-- completed, rolled back, failures cleared. The events later webhooks carry.
CREATE TABLE release_events (
    id ${id},
    release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    occurred_at BIGINT NOT NULL
);
CREATE INDEX release_events_release ON release_events (release_id, id);

-- An installation: one phone or device as it identifies itself (the installation id native
-- clients send, a DDI controller id), of one device or app. Registered on first contact; its
-- token (stored as a hash), once claimed, is what its reports must carry.
CREATE TABLE installations (
    id ${id},
    device_id BIGINT REFERENCES devices (id) ON DELETE CASCADE,
    app_id BIGINT REFERENCES apps (id) ON DELETE CASCADE,
    installation_key TEXT NOT NULL,
    token_hash TEXT,
    channel TEXT,
    attributes TEXT NOT NULL DEFAULT '{}',
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX installations_device_key ON installations (device_id, installation_key) WHERE device_id IS NOT NULL;
CREATE UNIQUE INDEX installations_app_key ON installations (app_id, installation_key) WHERE app_id IS NOT NULL;
CREATE INDEX installations_seen ON installations (last_seen_at);

-- Where each installation stands with each release it heard of: the steps it reached (a bit
-- each, so each counts once in the funnel), the last one and its progress, and whether it failed
-- (a failed installation is not offered the release again until a person clears it).
CREATE TABLE installation_releases (
    installation_id BIGINT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    steps INTEGER NOT NULL,
    last_step TEXT NOT NULL,
    progress INTEGER,
    failure_reason TEXT,
    failed BOOLEAN NOT NULL DEFAULT FALSE,
    -- the server withdrew the release while this installation was at it, and the device acknowledged
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (installation_id, release_id)
);
CREATE INDEX installation_releases_release ON installation_releases (release_id, failed);

-- Every report as it arrived, kept for reports.retention; a report id repeated by the same
-- installation is the same report.
CREATE TABLE installation_reports (
    id ${id},
    installation_id BIGINT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    report_key TEXT NOT NULL,
    step TEXT NOT NULL,
    progress INTEGER,
    reason TEXT,
    message TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX installation_reports_key ON installation_reports (installation_id, report_key);
CREATE INDEX installation_reports_time ON installation_reports (received_at);

-- A device's gateway token (hawkBit's DDI): whoever holds it may speak for any installation of
-- the device, registering it on first contact. Stored as a hash.
CREATE TABLE device_gateway_tokens (
    device_id BIGINT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
