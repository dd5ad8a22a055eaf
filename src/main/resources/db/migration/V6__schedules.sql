-- Periodic housekeeping that must run once per period across all nodes. A node runs a task only
-- after moving its next_run_at forward in one conditional UPDATE; the row decides who won.
CREATE TABLE schedule_runs (
    name TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL,
    last_node TEXT,
    last_started_at BIGINT
);
