-- +goose Up
-- What a pass's create asked for (access keeps its canonical form), so
-- that a resend of the create is still known after a renewal or an edit
-- changed the pass: they leave no record of the old end or plan. ''
-- for a pass made before, or by a list sync.
ALTER TABLE passes ADD COLUMN created_as TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE passes DROP COLUMN created_as;
