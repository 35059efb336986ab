-- +goose Up
-- The free time of a pass or an allow entry deleted while the car was
-- inside, kept by the stay for its price (JSON, '' for none).
ALTER TABLE stays ADD COLUMN kept_free TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE stays DROP COLUMN kept_free;
