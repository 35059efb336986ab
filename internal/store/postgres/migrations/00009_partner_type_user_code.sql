-- +goose Up
-- A partner that registers its own entries was stored under its first
-- dialect's name for that kind; the core's word for it is own_entries.
UPDATE partners SET type = 'own_entries' WHERE type = 'osa';

-- A user code names at most one pass of a lot. Passes that shared one
-- (possible before this index) keep theirs with the id's tail appended,
-- the oldest keeping the code as it was, so nothing is lost and every
-- copy can still be found and corrected.
UPDATE passes SET user_code = substr(user_code, 1, 50) || '#' || substr(id, 25, 12)
WHERE user_code <> '' AND EXISTS (
    SELECT 1 FROM passes older
    WHERE older.lot_code = passes.lot_code AND older.user_code = passes.user_code
      AND (older.created_at < passes.created_at OR (older.created_at = passes.created_at AND older.id < passes.id)));
CREATE UNIQUE INDEX passes_user_code ON passes (lot_code, user_code) WHERE user_code <> '';

-- +goose Down
DROP INDEX passes_user_code;
UPDATE partners SET type = 'osa' WHERE type = 'own_entries';
