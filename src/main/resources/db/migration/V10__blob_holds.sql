-- Who holds which stored bytes. Every feature that keeps a blob (a build's file, a universal APK,
-- a feed sample or package, an F-Droid index snapshot, an upload on its way to becoming a build)
-- holds it under a name of its own; a blob is deleted only when nobody holds it any more, and
-- only by storage.BlobHolds. A release is written in the transaction that lets go, so a crash
-- before the bytes are deleted leaves a row to finish the work, never bytes nobody can find.
CREATE TABLE blob_holds (
    sha256 TEXT NOT NULL,
    holder TEXT NOT NULL,
    PRIMARY KEY (sha256, holder)
);
CREATE INDEX blob_holds_holder ON blob_holds (holder);

CREATE TABLE blob_releases (
    sha256 TEXT PRIMARY KEY,
    released_at BIGINT NOT NULL
);
