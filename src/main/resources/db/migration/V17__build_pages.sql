-- Lists of builds are read a page at a time, newest first, from an index in that order: an app's
-- builds by (created_at, id); a device's by (build_date, id), all of them or one variant's; and
-- what phones are offered from an index of published builds only, so an update check, a page of
-- the device's builds and "which variants have builds" never read unpublished rows or scan; the
-- public list of devices in the order the home page shows them.
DROP INDEX builds_app;
CREATE INDEX builds_app ON builds (app_id, created_at, id);
DROP INDEX builds_device_variant;
CREATE INDEX builds_device_date ON builds (device_id, build_date, id);
CREATE INDEX builds_published ON builds (device_id, variant_id, build_date, id) WHERE enabled = TRUE AND status = 'processed';
CREATE INDEX builds_published_date ON builds (device_id, build_date, id) WHERE enabled = TRUE AND status = 'processed';
CREATE INDEX devices_listing ON devices (lower(manufacturer), lower(name), codename);
