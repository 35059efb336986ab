-- +goose Up
-- The key a pass's create is known by (access derives it from what the
-- create asked for), so that a resend of the create finds its pass however
-- the pass's plates were edited since: the plates can no longer find it.
-- '' for a pass made before, or otherwise than by a create.
ALTER TABLE passes ADD COLUMN created_key TEXT NOT NULL DEFAULT '';
CREATE INDEX passes_created_key ON passes (lot_code, created_key) WHERE created_key <> '';

-- +goose Down
DROP INDEX passes_created_key;
ALTER TABLE passes DROP COLUMN created_key;
