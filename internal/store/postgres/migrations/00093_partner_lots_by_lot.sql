-- +goose Up
-- Every gate event asks which partners of its lot subscribed to what.
CREATE INDEX partner_lots_lot ON partner_lots (lot_code, partner_id);

-- +goose Down
DROP INDEX partner_lots_lot;
