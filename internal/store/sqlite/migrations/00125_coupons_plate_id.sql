-- +goose Up
-- A page of one plate's coupons goes by (created_at, id) from a cursor:
-- with id the plate's index gives the page's order itself, where without
-- it the planner chose to walk the lot's coupons past every other
-- plate's rather than sort. Pricing's reads by plate use it as before.
DROP INDEX coupons_plate;
CREATE INDEX coupons_plate ON coupons (lot_code, plate_key, created_at, id);

-- +goose Down
DROP INDEX coupons_plate;
CREATE INDEX coupons_plate ON coupons (lot_code, plate_key, created_at);
