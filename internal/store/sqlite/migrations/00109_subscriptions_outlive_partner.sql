-- +goose NO TRANSACTION
-- +goose Up
-- A partner's subscriptions outlive its row: deleting a partner marks them
-- deleted, and the prune removes their deliveries in batches, then them.
-- Their foreign key to partners would instead delete them, and by theirs
-- every delivery, in the partner's one transaction. SQLite cannot drop a
-- constraint: the table is built again (its "other kinds of table schema
-- changes"), with foreign keys off so that dropping the old table does
-- not delete the deliveries; deliveries' key to subscriptions names the
-- table, and holds again for the new one.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE subscriptions_new (
    id          TEXT    NOT NULL PRIMARY KEY,
    partner_id  TEXT    NOT NULL,
    report      TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    enabled     INTEGER NOT NULL,
    secret      TEXT    NOT NULL DEFAULT '',
    previous    TEXT    NOT NULL DEFAULT '',
    rate_limit  INTEGER NOT NULL DEFAULT 0,
    concurrency INTEGER NOT NULL DEFAULT 0,
    timeout_ms  INTEGER NOT NULL DEFAULT 0,
    schedule_ms TEXT    NOT NULL DEFAULT '',
    disabled_by TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    deleted     INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO subscriptions_new (id, partner_id, report, url, format, enabled, secret, previous, rate_limit, concurrency,
                               timeout_ms, schedule_ms, disabled_by, created_at, updated_at, version, deleted)
SELECT id, partner_id, report, url, format, enabled, secret, previous, rate_limit, concurrency,
       timeout_ms, schedule_ms, disabled_by, created_at, updated_at, version, deleted
FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
CREATE INDEX subscriptions_report ON subscriptions (report, partner_id);
CREATE INDEX subscriptions_partner ON subscriptions (partner_id, id);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
-- The key back: subscriptions of partners deleted since (marked deleted,
-- waiting for the prune) go first, with their deliveries.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DELETE FROM deliveries WHERE subscription_id IN (
    SELECT id FROM subscriptions WHERE partner_id NOT IN (SELECT id FROM partners));
DELETE FROM subscriptions WHERE partner_id NOT IN (SELECT id FROM partners);
CREATE TABLE subscriptions_old (
    id          TEXT    NOT NULL PRIMARY KEY,
    partner_id  TEXT    NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    report      TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    enabled     INTEGER NOT NULL,
    secret      TEXT    NOT NULL DEFAULT '',
    previous    TEXT    NOT NULL DEFAULT '',
    rate_limit  INTEGER NOT NULL DEFAULT 0,
    concurrency INTEGER NOT NULL DEFAULT 0,
    timeout_ms  INTEGER NOT NULL DEFAULT 0,
    schedule_ms TEXT    NOT NULL DEFAULT '',
    disabled_by TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    deleted     INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO subscriptions_old SELECT * FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_old RENAME TO subscriptions;
CREATE INDEX subscriptions_report ON subscriptions (report, partner_id);
CREATE INDEX subscriptions_partner ON subscriptions (partner_id, id);
COMMIT;
PRAGMA foreign_keys = ON;
