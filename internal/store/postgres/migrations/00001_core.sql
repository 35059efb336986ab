-- +goose Up
-- The same tables, constraints and indexes as the SQLite store. Times are
-- timestamptz (microseconds, = park.Precision); money and counts are BIGINT
-- minor units. Keys use the "C" collation so ordering and keyset pagination
-- are bytewise, as in SQLite, whatever the database's default collation is.
CREATE TABLE lots (
    code               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name               TEXT        NOT NULL,
    timezone           TEXT        NOT NULL,
    currency           TEXT        NOT NULL,
    capacity           BIGINT      NOT NULL,
    exit_grace_minutes BIGINT      NOT NULL,
    quote_ttl_seconds  BIGINT      NOT NULL,
    sandbox            BOOLEAN     NOT NULL DEFAULT FALSE,
    missed_entry       TEXT        NOT NULL,
    -- TEXT, not JSONB: the tariff is read back byte for byte as it was written.
    tariff             TEXT        NOT NULL DEFAULT '',
    tariff_version     BIGINT      NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    version            BIGINT      NOT NULL DEFAULT 1
);

-- Cars inside each lot, as a sum of shards: every gate event adds to it,
-- and one hot row per lot would serialise a lot's lanes behind each commit.
CREATE TABLE lot_counts (
    lot_code TEXT   COLLATE "C" NOT NULL REFERENCES lots (code),
    shard    TEXT   COLLATE "C" NOT NULL,
    occupied BIGINT NOT NULL,
    PRIMARY KEY (lot_code, shard)
);

CREATE TABLE lanes (
    lot_code   TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    id         TEXT COLLATE "C" NOT NULL,
    direction  TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (lot_code, id)
);

CREATE TABLE stays (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    lot_code      TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    plate         TEXT        NOT NULL,
    plate_key     TEXT COLLATE "C" NOT NULL,
    vehicle_class TEXT        NOT NULL,
    locator       TEXT COLLATE "C" NOT NULL,
    entry_at      TIMESTAMPTZ NOT NULL,
    entry_lane    TEXT        NOT NULL,
    exit_at       TIMESTAMPTZ,
    exit_lane     TEXT        NOT NULL DEFAULT '',
    state         TEXT        NOT NULL,
    pass_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    total         BIGINT      NOT NULL DEFAULT 0,
    paid          BIGINT      NOT NULL DEFAULT 0,
    discount      BIGINT      NOT NULL DEFAULT 0,
    paid_until    TIMESTAMPTZ,
    anomaly       TEXT        NOT NULL DEFAULT '',
    source        TEXT        NOT NULL DEFAULT '',
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT      NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX stays_locator ON stays (lot_code, locator);
-- One open stay per plate and lot, enforced by the database itself.
CREATE UNIQUE INDEX stays_inside ON stays (lot_code, plate_key) WHERE state = 'in';
CREATE INDEX stays_lot_state ON stays (lot_code, state, id);
CREATE INDEX stays_lot_plate ON stays (lot_code, plate_key, id);
CREATE INDEX stays_pass_inside ON stays (pass_id) WHERE state = 'in' AND pass_id <> '';

CREATE TABLE events (
    lot_code      TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    id            TEXT COLLATE "C" NOT NULL,
    type          TEXT        NOT NULL,
    plate         TEXT        NOT NULL,
    lane          TEXT        NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    image_url     TEXT        NOT NULL DEFAULT '',
    plate_color   TEXT        NOT NULL DEFAULT '',
    vehicle_class TEXT        NOT NULL DEFAULT '',
    decision      JSONB       NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (lot_code, id)
);

CREATE TABLE anomalies (
    id       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    lot_code TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    kind     TEXT        NOT NULL,
    plate    TEXT        NOT NULL,
    stay_id  TEXT        NOT NULL DEFAULT '',
    event_id TEXT        NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    detail   TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX anomalies_lot ON anomalies (lot_code, at);

CREATE TABLE quotes (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    stay_id     TEXT COLLATE "C" NOT NULL REFERENCES stays (id),
    lot_code    TEXT COLLATE "C" NOT NULL,
    amount_due  BIGINT      NOT NULL,
    total       BIGINT      NOT NULL,
    discount    BIGINT      NOT NULL,
    paid_before BIGINT      NOT NULL,
    currency    TEXT        NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    lines       JSONB       NOT NULL,
    source      TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX quotes_stay ON quotes (stay_id);
CREATE INDEX quotes_expires ON quotes (expires_at);

CREATE TABLE payments (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    quote_id   TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES quotes (id),
    stay_id    TEXT COLLATE "C" NOT NULL REFERENCES stays (id),
    lot_code   TEXT COLLATE "C" NOT NULL,
    amount     BIGINT      NOT NULL,
    currency   TEXT        NOT NULL,
    method     TEXT        NOT NULL,
    payer      TEXT COLLATE "C" NOT NULL DEFAULT '',
    reference  TEXT COLLATE "C" NOT NULL DEFAULT '',
    idem_key   TEXT COLLATE "C" NOT NULL DEFAULT '',
    paid_at    TIMESTAMPTZ NOT NULL,
    paid_until TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX payments_idem_key ON payments (idem_key) WHERE idem_key <> '';
CREATE UNIQUE INDEX payments_reference ON payments (payer, reference) WHERE reference <> '';
CREATE INDEX payments_stay ON payments (stay_id);

CREATE TABLE passes (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    lot_code    TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    holder_name TEXT        NOT NULL,
    mobile      TEXT        NOT NULL DEFAULT '',
    user_code   TEXT        NOT NULL DEFAULT '',
    spaces      BIGINT      NOT NULL,
    valid_from  TIMESTAMPTZ NOT NULL,
    valid_to    TIMESTAMPTZ NOT NULL,
    plan        TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT      NOT NULL DEFAULT 1
);
CREATE INDEX passes_lot ON passes (lot_code);

CREATE TABLE pass_plates (
    lot_code  TEXT COLLATE "C" NOT NULL,
    plate_key TEXT COLLATE "C" NOT NULL,
    pass_id   TEXT COLLATE "C" NOT NULL REFERENCES passes (id) ON DELETE CASCADE,
    plate     TEXT        NOT NULL,
    position  BIGINT      NOT NULL,
    PRIMARY KEY (lot_code, plate_key)
);
CREATE INDEX pass_plates_pass ON pass_plates (pass_id);

CREATE TABLE whitelist (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    lot_code   TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    plate      TEXT        NOT NULL,
    plate_key  TEXT COLLATE "C" NOT NULL,
    kind       TEXT        NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to   TIMESTAMPTZ NOT NULL,
    reason     TEXT        NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT      NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX whitelist_plate ON whitelist (lot_code, plate_key);

-- +goose Down
DROP TABLE whitelist;
DROP TABLE pass_plates;
DROP TABLE passes;
DROP TABLE payments;
DROP TABLE quotes;
DROP TABLE anomalies;
DROP TABLE events;
DROP TABLE stays;
DROP TABLE lanes;
DROP TABLE lot_counts;
DROP TABLE lots;
