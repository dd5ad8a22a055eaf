-- The Depot server processes sharing this database. A node writes its row when it starts and
-- refreshes heartbeat_at every few seconds; a claim (an upload being completed) names the node
-- holding it, and a claim whose node is gone is no claim: on the node's own host a process that
-- no longer exists (pid and start time) is gone at once, elsewhere after its heartbeat stops.
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    data_dir TEXT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

ALTER TABLE upload_sessions ADD COLUMN finalizing_node TEXT;
-- The upload's digests, recorded once its bytes are hashed and before they move into the blob
-- store, so that a completion interrupted after the move can finish without the staged file.
ALTER TABLE upload_sessions ADD COLUMN sha256 TEXT;
ALTER TABLE upload_sessions ADD COLUMN md5 TEXT;

-- The upload a build came from: completing an upload again (after a crash) finds its build
-- instead of making a second one.
ALTER TABLE builds ADD COLUMN upload_id TEXT;
CREATE UNIQUE INDEX builds_upload ON builds (upload_id);
