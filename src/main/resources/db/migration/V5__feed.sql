-- The APK sample feed. A receipt is the first time Depot received an APK's bytes completely;
-- it belongs to one 5-minute window. A window is sealed once (its package built), under a lock
-- on its row that receipt insertion also takes, so no receipt can join a window after it sealed.
CREATE TABLE feed_windows (
    window_start BIGINT PRIMARY KEY,
    sealed BOOLEAN NOT NULL DEFAULT FALSE,
    package_sha256 TEXT,
    package_size BIGINT,
    samples INTEGER,
    sealed_at BIGINT
);

CREATE TABLE feed_receipts (
    sha256 TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    size BIGINT NOT NULL,
    md5 TEXT,
    sha1 TEXT,
    package_name TEXT,
    version_code BIGINT,
    version_name TEXT
);
CREATE INDEX feed_receipts_window ON feed_receipts (window_start, received_at, sha256);

CREATE TABLE feed_downloads (
    sha256 TEXT NOT NULL,
    occurred_at BIGINT NOT NULL
);
CREATE INDEX feed_downloads_time ON feed_downloads (occurred_at);
