-- +goose Up
-- Partner reports, a transactional outbox: the core stores a report in the
-- transaction of the change that caused it, with one delivery per
-- subscription that wants it; workers then claim due deliveries and send
-- them. (Version 12: 10 and 11 are left to work under way elsewhere.)

-- A partner's wish to be told one kind of report. Durations are kept to
-- the millisecond: timeout_ms, and schedule_ms, the waits before each
-- attempt as a comma-separated list ('' for the default schedule).
CREATE TABLE subscriptions (
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
    version     INTEGER NOT NULL DEFAULT 1
) STRICT;
-- Who wants a kind of report: probed on every change that could be
-- reported, then joined to partner_lots by its primary key.
CREATE INDEX subscriptions_report ON subscriptions (report, partner_id);
CREATE INDEX subscriptions_partner ON subscriptions (partner_id, id);

-- What happened, as parkd knew it then. seq is the order reports were
-- stored in; AUTOINCREMENT so a number is never handed out twice, even
-- after the newest rows are cleaned up (as PostgreSQL's identity never
-- does). data is the JSON exactly as the core wrote it.
CREATE TABLE reports (
    seq      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id       TEXT    NOT NULL UNIQUE,
    kind     TEXT    NOT NULL,
    lot_code TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    data     TEXT    NOT NULL
) STRICT;
-- Cleanup looks for old reports no delivery needs any more.
CREATE INDEX reports_at ON reports (at);

-- One report for one subscription, and how sending it went. The partner,
-- report kind, lot and key are copied from the subscription and report so
-- claiming, ordering and listing need no join.
CREATE TABLE deliveries (
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    subscription_id TEXT    NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    report_id       TEXT    NOT NULL REFERENCES reports (id),
    partner_id      TEXT    NOT NULL,
    report          TEXT    NOT NULL,
    lot_code        TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_at         INTEGER NOT NULL,
    lease_until     INTEGER,
    last_attempt_at INTEGER,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_reply      TEXT    NOT NULL DEFAULT '',
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL,
    -- One delivery of a report per subscription. Report first: the same
    -- constraint, and its index also serves redelivering a report, the
    -- foreign key from reports and cleanup's "still needed?" probe.
    UNIQUE (report_id, subscription_id)
) STRICT;
-- The queue, unfinished deliveries only (delivered and dead ones are
-- kept, and would otherwise be walked on every claim): claiming takes the
-- oldest first, and asks for each whether an earlier one of its
-- partner and key is still to be delivered.
CREATE INDEX deliveries_queue ON deliveries (seq) WHERE state IN ('pending', 'failed', 'sending');
CREATE INDEX deliveries_order ON deliveries (partner_id, key, seq) WHERE state IN ('pending', 'failed', 'sending');
-- A subscription's deliveries: listing, redelivery, and the cascade.
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, seq);
CREATE INDEX deliveries_partner ON deliveries (partner_id, seq);
-- Listings and counts by state.
CREATE INDEX deliveries_state ON deliveries (state, seq);
-- Cleanup takes the oldest delivered first.
CREATE INDEX deliveries_delivered ON deliveries (delivered_at) WHERE state = 'delivered';

-- +goose Down
DROP TABLE deliveries;
DROP TABLE reports;
DROP TABLE subscriptions;
