-- +goose Up
-- A plate's cars inside across lots (a partner's look-up without a lot):
-- one probe whatever the number of the partner's lots.
CREATE INDEX stays_plate_inside ON stays (plate_key) WHERE state = 'in';

-- +goose Down
DROP INDEX stays_plate_inside;
