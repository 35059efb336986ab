-- +goose Up
-- Plates a partner pays for without the car stopping (sensorless
-- payment): at a held exit, parkd asks the partner to pay.
CREATE TABLE enrolments (
    partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    plate_key  TEXT NOT NULL,
    plate      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (partner_id, plate_key)
) STRICT;
-- A held exit asks for its plate's enrolments.
CREATE INDEX enrolments_plate ON enrolments (plate_key, created_at);

-- +goose Down
DROP TABLE enrolments;
