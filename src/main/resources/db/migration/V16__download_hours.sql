-- Downloads of every build per UTC hour (hours since the epoch) and type, kept with the events as
-- download_days is: a count over a period ("the last 7 days") reads its whole hours here and only
-- the events of the hour it starts in. Filled here from the events counted so far.
CREATE TABLE download_hours (
    hour BIGINT NOT NULL,
    download_type TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, download_type)
);

INSERT INTO download_hours (hour, download_type, n)
SELECT occurred_at / 3600000, download_type, COUNT(*)
FROM download_events
GROUP BY occurred_at / 3600000, download_type;
