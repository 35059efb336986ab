-- +goose Up
-- A lot's bookings of a day (LotReservations), found through the window's
-- end from the day on, instead of through every booking the lot ever had.
CREATE INDEX reservations_lot_to ON reservations (lot_code, valid_to);

-- +goose Down
DROP INDEX reservations_lot_to;
