-- +goose Up
-- Where the picture of the car an anomaly is about is served, when the
-- device sent one ('': none): a plate-less offline record is found by its
-- picture alone.
ALTER TABLE anomalies ADD COLUMN image_url TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE anomalies DROP COLUMN image_url;
