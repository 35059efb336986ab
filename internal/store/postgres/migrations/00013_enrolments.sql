-- +goose Up
-- Plates a partner pays for without the car stopping (sensorless
-- payment): at a held exit, parkd asks the partner to pay.
CREATE TABLE enrolments (
    partner_id TEXT COLLATE "C" NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    plate_key  TEXT COLLATE "C" NOT NULL,
    plate      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partner_id, plate_key)
);
-- A held exit asks for its plate's enrolments.
CREATE INDEX enrolments_plate ON enrolments (plate_key, created_at);

-- +goose Down
DROP TABLE enrolments;
