-- +goose Up
-- Numbered spaces of a lot (floors, zones) and each one's last reported
-- state, fed by bay sensors and guidance cameras. reported_at orders the
-- reports: an older one never overwrites a newer state.
CREATE TABLE spaces (
    lot_code    TEXT    NOT NULL REFERENCES lots (code),
    code        TEXT    NOT NULL,
    floor       TEXT    NOT NULL,
    zone        TEXT    NOT NULL DEFAULT '',
    kind        TEXT    NOT NULL DEFAULT '',
    occupied    INTEGER NOT NULL DEFAULT 0,
    plate       TEXT    NOT NULL DEFAULT '',
    plate_key   TEXT    NOT NULL DEFAULT '',
    since       INTEGER,
    reported_at INTEGER,
    source      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (lot_code, code)
) STRICT;
-- Where a car is parked: the spaces last seen holding its plate.
CREATE INDEX spaces_plate ON spaces (lot_code, plate_key) WHERE plate_key <> '';

-- +goose Down
DROP TABLE spaces;
