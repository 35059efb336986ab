-- +goose Up
-- A page of a lot's passes or whitelist entries is read in id order from
-- the cursor on (the native API), and a page of one list of a lot in
-- plate key order (the console): each reads its page from an index
-- instead of sorting the lot's 5,000 passes or 20,000 entries per page.
CREATE INDEX passes_lot_id ON passes (lot_code, id);
DROP INDEX passes_lot;
CREATE INDEX whitelist_lot_id ON whitelist (lot_code, id);
CREATE INDEX whitelist_list ON whitelist (lot_code, category, plate_key);

-- +goose Down
DROP INDEX whitelist_list;
DROP INDEX whitelist_lot_id;
CREATE INDEX passes_lot ON passes (lot_code);
DROP INDEX passes_lot_id;
