-- +goose Up
-- Partner reports, a transactional outbox: the core stores a report in the
-- transaction of the change that caused it, with one delivery per
-- subscription that wants it; workers on any node then claim due
-- deliveries (FOR UPDATE SKIP LOCKED) and send them. The same tables and
-- indexes as the SQLite store. (Version 12: 10 and 11 are left to work
-- under way elsewhere.)

-- A partner's wish to be told one kind of report. Durations are kept to
-- the millisecond: timeout_ms, and schedule_ms, the waits before each
-- attempt as a comma-separated list ('' for the default schedule).
CREATE TABLE subscriptions (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    partner_id  TEXT COLLATE "C" NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    report      TEXT COLLATE "C" NOT NULL,
    url         TEXT        NOT NULL,
    format      TEXT        NOT NULL,
    enabled     BOOLEAN     NOT NULL,
    secret      TEXT        NOT NULL DEFAULT '',
    previous    TEXT        NOT NULL DEFAULT '',
    rate_limit  BIGINT      NOT NULL DEFAULT 0,
    concurrency BIGINT      NOT NULL DEFAULT 0,
    timeout_ms  BIGINT      NOT NULL DEFAULT 0,
    schedule_ms TEXT        NOT NULL DEFAULT '',
    disabled_by TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT      NOT NULL DEFAULT 1
);
-- Who wants a kind of report: probed on every change that could be
-- reported, then joined to partner_lots by its primary key.
CREATE INDEX subscriptions_report ON subscriptions (report, partner_id);
CREATE INDEX subscriptions_partner ON subscriptions (partner_id, id);

-- What happened, as parkd knew it then. seq is the order reports were
-- stored in. data is TEXT, not JSONB: it is read back byte for byte as the
-- core wrote it.
CREATE TABLE reports (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id       TEXT COLLATE "C" NOT NULL UNIQUE,
    kind     TEXT COLLATE "C" NOT NULL,
    lot_code TEXT COLLATE "C" NOT NULL,
    key      TEXT COLLATE "C" NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    data     TEXT        NOT NULL
);
-- Cleanup looks for old reports no delivery needs any more.
CREATE INDEX reports_at ON reports (at);

-- One report for one subscription, and how sending it went. The partner,
-- report kind, lot and key are copied from the subscription and report so
-- claiming, ordering and listing need no join.
CREATE TABLE deliveries (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT COLLATE "C" NOT NULL UNIQUE,
    subscription_id TEXT COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    report_id       TEXT COLLATE "C" NOT NULL REFERENCES reports (id),
    partner_id      TEXT COLLATE "C" NOT NULL,
    report          TEXT COLLATE "C" NOT NULL,
    lot_code        TEXT COLLATE "C" NOT NULL,
    key             TEXT COLLATE "C" NOT NULL,
    state           TEXT COLLATE "C" NOT NULL,
    attempts        BIGINT      NOT NULL DEFAULT 0,
    next_at         TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    last_attempt_at TIMESTAMPTZ,
    last_status     BIGINT      NOT NULL DEFAULT 0,
    last_reply      TEXT        NOT NULL DEFAULT '',
    delivered_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    -- One delivery of a report per subscription. Report first: the same
    -- constraint, and its index also serves redelivering a report, the
    -- foreign key from reports and cleanup's "still needed?" probe.
    UNIQUE (report_id, subscription_id)
);
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
