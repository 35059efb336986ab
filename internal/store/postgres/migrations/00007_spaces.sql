-- +goose Up
-- Numbered spaces of a lot (floors, zones) and each one's last reported
-- state, fed by bay sensors and guidance cameras. reported_at orders the
-- reports: an older one never overwrites a newer state.
CREATE TABLE spaces (
    lot_code    TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    code        TEXT COLLATE "C" NOT NULL,
    floor       TEXT COLLATE "C" NOT NULL,
    zone        TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind        TEXT        NOT NULL DEFAULT '',
    occupied    BOOLEAN     NOT NULL DEFAULT FALSE,
    plate       TEXT        NOT NULL DEFAULT '',
    plate_key   TEXT COLLATE "C" NOT NULL DEFAULT '',
    since       TIMESTAMPTZ,
    reported_at TIMESTAMPTZ,
    source      TEXT        NOT NULL DEFAULT '',
    PRIMARY KEY (lot_code, code)
);
-- Where a car is parked: the spaces last seen holding its plate.
CREATE INDEX spaces_plate ON spaces (lot_code, plate_key) WHERE plate_key <> '';

-- +goose Down
DROP TABLE spaces;
