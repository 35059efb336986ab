-- +goose Up
-- A charger's latest sessions (LatestChargeSessions), read from its end
-- instead of through every session by time.
CREATE INDEX charge_sessions_charger ON charge_sessions (charger_id, updated_at, id);

-- +goose Down
DROP INDEX charge_sessions_charger;
