-- +goose Up
-- Plates whose place in a lot's offline lane list (passes and allow
-- entries, loaded into cameras) changed and that the lot's cameras have
-- not yet been told about: written in the transaction of the change, so
-- no change is lost; removed once every camera of the lot has it.
CREATE TABLE lane_list_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    lot_code   TEXT NOT NULL REFERENCES lots (code),
    plate      TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX lane_list_changes_lot ON lane_list_changes (lot_code, seq);

-- +goose Down
DROP TABLE lane_list_changes;
