-- +goose Up
-- Lane equipment parkd accepts reads and heartbeats from, by serial.
CREATE TABLE devices (
    serial     TEXT    NOT NULL PRIMARY KEY,
    lot_code   TEXT    NOT NULL REFERENCES lots (code),
    lane       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    protocol   TEXT    NOT NULL,
    direction  TEXT    NOT NULL,
    addr       TEXT    NOT NULL DEFAULT '',
    username   TEXT    NOT NULL DEFAULT '',
    password   TEXT    NOT NULL DEFAULT '',
    online     INTEGER NOT NULL DEFAULT 0,
    seen_at    INTEGER,
    since      INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX devices_lot ON devices (lot_code, serial);

-- +goose Down
DROP TABLE devices;
