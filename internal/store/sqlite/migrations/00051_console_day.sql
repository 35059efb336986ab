-- +goose Up
-- The lots overview sums the stays that left and the coupons used in a
-- lot's day.
CREATE INDEX stays_lot_exit ON stays (lot_code, exit_at);
CREATE INDEX coupons_lot_used ON coupons (lot_code, used_at);

-- +goose Down
DROP INDEX coupons_lot_used;
DROP INDEX stays_lot_exit;
