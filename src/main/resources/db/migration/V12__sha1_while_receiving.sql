-- An APK's SHA-1 (which the feed lists) is computed with its SHA-256 and MD5 while it arrives,
-- recorded with the upload's other digests, and kept with the build: nothing reads the bytes
-- back to learn it.
ALTER TABLE upload_sessions ADD COLUMN sha1 TEXT;
ALTER TABLE builds ADD COLUMN sha1 TEXT;
