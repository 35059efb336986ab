-- +goose Up
-- The plate a session charged (a driver's tag, or given when it was asked
-- for), so a lot's parking tariff can let a charging car park free.
ALTER TABLE charge_sessions ADD COLUMN lot_code TEXT NOT NULL DEFAULT '';
ALTER TABLE charge_sessions ADD COLUMN plate_key TEXT NOT NULL DEFAULT '';
CREATE INDEX charge_sessions_plate ON charge_sessions (lot_code, plate_key, updated_at) WHERE plate_key <> '';

-- +goose Down
DROP INDEX charge_sessions_plate;
ALTER TABLE charge_sessions DROP COLUMN plate_key;
ALTER TABLE charge_sessions DROP COLUMN lot_code;
