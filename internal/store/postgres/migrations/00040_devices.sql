-- +goose Up
-- Lane equipment parkd accepts reads and heartbeats from, by serial.
CREATE TABLE devices (
    serial     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    lot_code   TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    lane       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    protocol   TEXT NOT NULL,
    direction  TEXT NOT NULL,
    addr       TEXT NOT NULL DEFAULT '',
    username   TEXT NOT NULL DEFAULT '',
    password   TEXT NOT NULL DEFAULT '',
    online     BOOLEAN NOT NULL DEFAULT FALSE,
    seen_at    TIMESTAMPTZ,
    since      TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX devices_lot ON devices (lot_code, serial);

-- +goose Down
DROP TABLE devices;
