-- +goose Up
-- When an online charger was last seen (NULL while it is offline or
-- retired), out of data, so the charging sweep finds chargers recorded
-- online that fell silent (their node died) without reading every
-- charger. data stays the truth; this only finds candidates.
ALTER TABLE chargers ADD COLUMN seen_online TIMESTAMPTZ;
UPDATE chargers
SET seen_online = coalesce((data::jsonb ->> 'last_heartbeat')::timestamptz, 'epoch')
WHERE (data::jsonb ->> 'online')::boolean AND data::jsonb ->> 'retired' IS NULL;
CREATE INDEX chargers_seen_online ON chargers (seen_online) WHERE seen_online IS NOT NULL;

-- +goose Down
DROP INDEX chargers_seen_online;
ALTER TABLE chargers DROP COLUMN seen_online;
