-- +goose Up
-- When a device's barrier stopped acknowledging commands after reads
-- (NULL: it answers), so that its answering again is reported once.
ALTER TABLE devices ADD COLUMN unanswered_since TIMESTAMPTZ;

-- +goose Down
ALTER TABLE devices DROP COLUMN unanswered_since;
