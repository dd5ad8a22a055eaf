-- Download counts per build, UTC day (days since the epoch) and type, kept as downloads are
-- written (in the same transaction as their events), so that counts and charts read a row per
-- build and day instead of every event. Filled here from the events counted so far.
CREATE TABLE download_days (
    build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    download_type TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (build_id, day, download_type)
);
CREATE INDEX download_days_day ON download_days (day, build_id);

INSERT INTO download_days (build_id, day, download_type, n)
SELECT build_id, occurred_at / 86400000, download_type, COUNT(*)
FROM download_events
GROUP BY build_id, occurred_at / 86400000, download_type;
