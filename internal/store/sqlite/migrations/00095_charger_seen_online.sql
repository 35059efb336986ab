-- +goose Up
-- When an online charger was last seen (microseconds; NULL while it is
-- offline or retired), out of data, so the charging sweep finds chargers
-- recorded online that fell silent (their node died) without reading
-- every charger. data stays the truth; this only finds candidates.
ALTER TABLE chargers ADD COLUMN seen_online INTEGER;
-- To the millisecond (SQLite's date functions): a time read earlier only
-- makes a charger a candidate sooner.
UPDATE chargers
SET seen_online = coalesce(CAST(unixepoch(data ->> '$.last_heartbeat', 'subsec') * 1000000 AS INTEGER), 0)
WHERE data ->> '$.online' AND data ->> '$.retired' IS NULL;
CREATE INDEX chargers_seen_online ON chargers (seen_online) WHERE seen_online IS NOT NULL;

-- +goose Down
DROP INDEX chargers_seen_online;
ALTER TABLE chargers DROP COLUMN seen_online;
