-- +goose Up
-- Only a stay that left has an exit time, and every query of exits asks
-- for a range of them. Without the cars inside, an entry writes nothing
-- to this index and an exit only adds its entry at the index's end: it
-- no longer also takes out the car's empty one, from wherever the car's
-- entry time put it among the cars inside.
DROP INDEX stays_lot_exit;
CREATE INDEX stays_lot_exit ON stays (lot_code, exit_at) WHERE exit_at IS NOT NULL;

-- +goose Down
DROP INDEX stays_lot_exit;
CREATE INDEX stays_lot_exit ON stays (lot_code, exit_at);
