-- +goose Up
-- When a car inside took its pass's space after it entered (the pass was
-- bought, renewed or given its plate meanwhile): the pass frees the stay
-- from then on. NULL: the car took it at its entry.
ALTER TABLE stays ADD COLUMN pass_from TIMESTAMPTZ;

-- +goose Down
ALTER TABLE stays DROP COLUMN pass_from;
