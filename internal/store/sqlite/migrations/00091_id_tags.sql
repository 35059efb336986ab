-- +goose Up
-- Id tags (RFID cards) registered in a lot, presented at its chargers.
CREATE TABLE id_tags (
    lot_code   TEXT    NOT NULL REFERENCES lots (code),
    tag        TEXT    NOT NULL,
    plate      TEXT    NOT NULL,
    plate_key  TEXT    NOT NULL,
    note       TEXT    NOT NULL,
    blocked    INTEGER NOT NULL,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (lot_code, tag)
) STRICT;

-- +goose Down
DROP TABLE id_tags;
