-- +goose Up
-- Locked cars: a car whose plate is locked in a lot may not leave it (its
-- exit is held with reason "locked") until it is unlocked.
CREATE TABLE locks (
    lot_code  TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    plate_key TEXT COLLATE "C" NOT NULL,
    locked_at TIMESTAMPTZ NOT NULL,
    "by"      TEXT        NOT NULL DEFAULT '',
    PRIMARY KEY (lot_code, plate_key)
);

-- +goose Down
DROP TABLE locks;
