-- +goose Up
-- Chargers (OCPP charge points), charging price standards and charge
-- sessions. Each row is read and written whole: the columns are what is
-- looked up or ordered by, and data holds the rest as JSON.
CREATE TABLE chargers (
    id            TEXT    NOT NULL PRIMARY KEY,
    lot_code      TEXT    NOT NULL REFERENCES lots (code),
    password_hash TEXT    NOT NULL,
    data          TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX chargers_lot ON chargers (lot_code, id);

CREATE TABLE price_standards (
    id      INTEGER NOT NULL PRIMARY KEY,
    name    TEXT    NOT NULL,
    family  INTEGER NOT NULL,
    data    TEXT    NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE charge_sessions (
    id             TEXT    NOT NULL PRIMARY KEY,
    charger_id     TEXT    NOT NULL REFERENCES chargers (id),
    connector      INTEGER NOT NULL,
    transaction_id INTEGER NOT NULL,
    status         TEXT    NOT NULL,
    partner_id     TEXT    NOT NULL DEFAULT '',
    updated_at     INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
-- A charger's transaction ids name one session each.
CREATE UNIQUE INDEX charge_sessions_tx ON charge_sessions (charger_id, transaction_id) WHERE transaction_id <> 0;
-- One open session per connector.
CREATE UNIQUE INDEX charge_sessions_open ON charge_sessions (charger_id, connector)
    WHERE status IN ('pending', 'charging');
CREATE INDEX charge_sessions_updated ON charge_sessions (updated_at, id);

-- +goose Down
DROP TABLE charge_sessions;
DROP TABLE price_standards;
DROP TABLE chargers;
