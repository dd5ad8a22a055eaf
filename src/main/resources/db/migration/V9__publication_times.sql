-- When each version entered its repository, and when each app first did: F-Droid clients show
-- these as "added" and "last updated", and an index diff then carries only what changed.
ALTER TABLE repository_entries ADD COLUMN published_at BIGINT;
UPDATE repository_entries SET published_at = (SELECT r.created_at FROM repository_revisions r
    WHERE r.repository_id = repository_entries.repository_id AND r.revision = repository_entries.published_revision);
UPDATE repository_entries SET published_at = (SELECT p.updated_at FROM repositories p
    WHERE p.id = repository_entries.repository_id) WHERE published_at IS NULL;

CREATE TABLE repository_packages (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    package_name TEXT NOT NULL,
    first_published_at BIGINT NOT NULL,
    PRIMARY KEY (repository_id, package_name)
);
INSERT INTO repository_packages (repository_id, package_name, first_published_at)
    SELECT repository_id, package_name, MIN(published_at) FROM repository_entries GROUP BY repository_id, package_name;
