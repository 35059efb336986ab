-- +goose Up
-- A car may hold five unused coupons, and its stay is priced with them:
-- counting them, and reading them at every quote and exit, went through
-- coupons_plate, which holds every coupon the car ever had, used ones
-- included, and filtered the state row by row. coupons_unused holds only
-- the issued (unused) ones, oldest first as a stay reads them, so the
-- count and the stay read those alone; the queries repeat its
-- predicate state = 'issued' word for word so that the planners may use
-- it. coupons_stay holds the coupons a stay used (the rest have no
-- stay), in the same order, for the other half of a stay's coupons.
-- coupons_plate stays for the plate's lists.
CREATE INDEX coupons_unused ON coupons (lot_code, plate_key, created_at, id) WHERE state = 'issued';
CREATE INDEX coupons_stay ON coupons (lot_code, stay_id, created_at, id) WHERE stay_id <> '';

-- +goose Down
DROP INDEX coupons_stay;
DROP INDEX coupons_unused;
