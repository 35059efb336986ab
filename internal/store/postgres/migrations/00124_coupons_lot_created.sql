-- +goose Up
-- The console and the native API page a lot's coupons by created time
-- and id from a cursor: the index starts each page at it, where paging by
-- count read and skipped every row before the page.
CREATE INDEX coupons_lot_created ON coupons (lot_code, created_at, id);

-- +goose Down
DROP INDEX coupons_lot_created;
