-- The Update Framework (TUF) repository over every published build. Metadata is stored as the
-- bytes clients are served, so every node serves the same bytes; a role's current version is its
-- highest. A new version of several roles (a delegated role, targets, snapshot, timestamp) is
-- written in one transaction, with tuf_state's row locked, so readers see the old set or the new.
CREATE TABLE tuf_state (
    id INTEGER PRIMARY KEY,
    kdf_salt TEXT NOT NULL,
    -- The next root while it is being signed offline (the unsigned or partly signed envelope).
    pending_root TEXT,
    created_at BIGINT NOT NULL
);

-- Every key the repository knows. Online keys (timestamp, snapshot, targets and the delegated
-- roles) keep their private half sealed under tuf.key-secret; root keys are offline (no private
-- half) unless the repository was made with an online root for trying it out. A key named by a
-- root not yet imported is 'pending'; a replaced one is 'retired'.
CREATE TABLE tuf_keys (
    keyid TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    public_key TEXT NOT NULL,
    sealed_private TEXT,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX tuf_keys_role ON tuf_keys (role, state);

CREATE TABLE tuf_metadata (
    role TEXT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    -- SHA-256 of what the version says apart from its version and expiry (and of who signs it):
    -- equal digests mean nothing changed, so nothing is signed again before it nears expiry.
    content_digest TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (role, version)
);
