-- +goose Up
-- Id tags (RFID cards) registered in a lot, presented at its chargers.
CREATE TABLE id_tags (
    lot_code   TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    tag        TEXT COLLATE "C" NOT NULL,
    plate      TEXT NOT NULL,
    plate_key  TEXT COLLATE "C" NOT NULL,
    note       TEXT NOT NULL,
    blocked    BOOLEAN NOT NULL,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (lot_code, tag)
);

-- +goose Down
DROP TABLE id_tags;
