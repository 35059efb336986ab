-- +goose Up
-- Times are INTEGER microseconds since the Unix epoch (UTC); money is INTEGER
-- minor units. Both are exact and compare fast.
CREATE TABLE lots (
    code               TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    timezone           TEXT    NOT NULL,
    currency           TEXT    NOT NULL,
    capacity           INTEGER NOT NULL,
    exit_grace_minutes INTEGER NOT NULL,
    quote_ttl_seconds  INTEGER NOT NULL,
    sandbox            INTEGER NOT NULL DEFAULT 0,
    missed_entry       TEXT    NOT NULL,
    tariff             TEXT    NOT NULL DEFAULT '',
    tariff_version     INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
) STRICT;

-- Cars inside each lot, as a sum of shards: on a shared database every gate
-- event adds to it, and one hot row per lot would serialise a lot's lanes
-- behind each commit. (SQLite has one writer anyway and uses shard '0'.)
CREATE TABLE lot_counts (
    lot_code TEXT    NOT NULL REFERENCES lots (code),
    shard    TEXT    NOT NULL,
    occupied INTEGER NOT NULL,
    PRIMARY KEY (lot_code, shard)
) STRICT;

CREATE TABLE lanes (
    lot_code   TEXT    NOT NULL REFERENCES lots (code),
    id         TEXT    NOT NULL,
    direction  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (lot_code, id)
) STRICT;

CREATE TABLE stays (
    id            TEXT    NOT NULL PRIMARY KEY,
    lot_code      TEXT    NOT NULL REFERENCES lots (code),
    plate         TEXT    NOT NULL,
    plate_key     TEXT    NOT NULL,
    vehicle_class TEXT    NOT NULL,
    locator       TEXT    NOT NULL,
    entry_at      INTEGER NOT NULL,
    entry_lane    TEXT    NOT NULL,
    exit_at       INTEGER,
    exit_lane     TEXT    NOT NULL DEFAULT '',
    state         TEXT    NOT NULL,
    pass_id       TEXT    NOT NULL DEFAULT '',
    total         INTEGER NOT NULL DEFAULT 0,
    paid          INTEGER NOT NULL DEFAULT 0,
    discount      INTEGER NOT NULL DEFAULT 0,
    paid_until    INTEGER,
    anomaly       TEXT    NOT NULL DEFAULT '',
    source        TEXT    NOT NULL DEFAULT '',
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX stays_locator ON stays (lot_code, locator);
-- One open stay per plate and lot, enforced by the database itself.
CREATE UNIQUE INDEX stays_inside ON stays (lot_code, plate_key) WHERE state = 'in';
CREATE INDEX stays_lot_state ON stays (lot_code, state, id);
CREATE INDEX stays_lot_plate ON stays (lot_code, plate_key, id);
CREATE INDEX stays_pass_inside ON stays (pass_id) WHERE state = 'in' AND pass_id <> '';

CREATE TABLE events (
    lot_code      TEXT    NOT NULL REFERENCES lots (code),
    id            TEXT    NOT NULL,
    type          TEXT    NOT NULL,
    plate         TEXT    NOT NULL,
    lane          TEXT    NOT NULL,
    at            INTEGER NOT NULL,
    image_url     TEXT    NOT NULL DEFAULT '',
    plate_color   TEXT    NOT NULL DEFAULT '',
    vehicle_class TEXT    NOT NULL DEFAULT '',
    decision      TEXT    NOT NULL,
    received_at   INTEGER NOT NULL,
    PRIMARY KEY (lot_code, id)
) STRICT;

CREATE TABLE anomalies (
    id       TEXT    NOT NULL PRIMARY KEY,
    lot_code TEXT    NOT NULL REFERENCES lots (code),
    kind     TEXT    NOT NULL,
    plate    TEXT    NOT NULL,
    stay_id  TEXT    NOT NULL DEFAULT '',
    event_id TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    detail   TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX anomalies_lot ON anomalies (lot_code, at);

CREATE TABLE quotes (
    id          TEXT    NOT NULL PRIMARY KEY,
    stay_id     TEXT    NOT NULL REFERENCES stays (id),
    lot_code    TEXT    NOT NULL,
    amount_due  INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    discount    INTEGER NOT NULL,
    paid_before INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    computed_at INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    lines       TEXT    NOT NULL,
    source      TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX quotes_stay ON quotes (stay_id);
CREATE INDEX quotes_expires ON quotes (expires_at);

CREATE TABLE payments (
    id         TEXT    NOT NULL PRIMARY KEY,
    quote_id   TEXT    NOT NULL UNIQUE REFERENCES quotes (id),
    stay_id    TEXT    NOT NULL REFERENCES stays (id),
    lot_code   TEXT    NOT NULL,
    amount     INTEGER NOT NULL,
    currency   TEXT    NOT NULL,
    method     TEXT    NOT NULL,
    payer      TEXT    NOT NULL DEFAULT '',
    reference  TEXT    NOT NULL DEFAULT '',
    idem_key   TEXT    NOT NULL DEFAULT '',
    paid_at    INTEGER NOT NULL,
    paid_until INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX payments_idem_key ON payments (idem_key) WHERE idem_key <> '';
CREATE UNIQUE INDEX payments_reference ON payments (payer, reference) WHERE reference <> '';
CREATE INDEX payments_stay ON payments (stay_id);

CREATE TABLE passes (
    id          TEXT    NOT NULL PRIMARY KEY,
    lot_code    TEXT    NOT NULL REFERENCES lots (code),
    holder_name TEXT    NOT NULL,
    mobile      TEXT    NOT NULL DEFAULT '',
    user_code   TEXT    NOT NULL DEFAULT '',
    spaces      INTEGER NOT NULL,
    valid_from  INTEGER NOT NULL,
    valid_to    INTEGER NOT NULL,
    plan        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX passes_lot ON passes (lot_code);

CREATE TABLE pass_plates (
    lot_code  TEXT    NOT NULL,
    plate_key TEXT    NOT NULL,
    pass_id   TEXT    NOT NULL REFERENCES passes (id) ON DELETE CASCADE,
    plate     TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (lot_code, plate_key)
) STRICT;
CREATE INDEX pass_plates_pass ON pass_plates (pass_id);

CREATE TABLE whitelist (
    id         TEXT    NOT NULL PRIMARY KEY,
    lot_code   TEXT    NOT NULL REFERENCES lots (code),
    plate      TEXT    NOT NULL,
    plate_key  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to   INTEGER NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;
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
