-- +goose Up
-- A replayed offline entry looks for its plate's exit recorded first (a
-- missed_entry after the entry): by plate and kind it reads that plate's
-- rows only, not every anomaly of the lot since the entry; id, its
-- order's tie-breaker, spares a sort.
CREATE INDEX anomalies_plate ON anomalies (lot_code, plate, kind, at, id);

-- +goose Down
DROP INDEX anomalies_plate;
