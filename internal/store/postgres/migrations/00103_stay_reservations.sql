-- +goose Up
-- A stay may take several reservations of its plate (every prepaid window
-- it was inside during is free), each still taken by at most one stay (its
-- state leaves booked when taken): stay_id is no longer unique.
DROP INDEX reservations_stay;
CREATE INDEX reservations_stay ON reservations (stay_id) WHERE stay_id <> '';

-- +goose Down
-- Fails while a stay holds more than one reservation.
DROP INDEX reservations_stay;
CREATE UNIQUE INDEX reservations_stay ON reservations (stay_id) WHERE stay_id <> '';
