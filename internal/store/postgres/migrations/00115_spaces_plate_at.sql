-- +goose Up
-- When a camera last reported the space's plate: a car's location and
-- the time it was seen there. reported_at moves with every report, a bay
-- sensor's too (no plate: the plate is kept while the space stays
-- occupied), so it made a space that kept an old plate the car's newest
-- place. A plate already stored was last reported at reported_at or
-- before: that is the best this migration knows.
ALTER TABLE spaces ADD COLUMN plate_at TIMESTAMPTZ;
UPDATE spaces SET plate_at = reported_at WHERE plate_key <> '';

-- +goose Down
ALTER TABLE spaces DROP COLUMN plate_at;
