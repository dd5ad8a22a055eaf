-- Uploads any node can continue. With S3 storage each accepted chunk is an object in the bucket,
-- recorded here in the same transaction that moves the session's offset; the rows, not a listing
-- of the bucket, say which objects make up the upload.
CREATE TABLE upload_chunks (
    upload_id TEXT NOT NULL REFERENCES upload_sessions (id) ON DELETE CASCADE,
    start_offset BIGINT NOT NULL,
    length BIGINT NOT NULL,
    object_name TEXT NOT NULL,
    PRIMARY KEY (upload_id, start_offset)
);

-- Set while one request completes the upload, so that no other node completes it too or appends.
ALTER TABLE upload_sessions ADD COLUMN finalizing_since BIGINT;
