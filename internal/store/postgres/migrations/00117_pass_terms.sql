-- +goose Up
-- The plan a pass was paid on before a renewal on another plan starts:
-- the renewal switches the pass's plan when paid, and the time already
-- paid keeps the old plan's slots until then.
CREATE TABLE pass_terms (
    pass_id TEXT COLLATE "C" NOT NULL,
    until   TIMESTAMPTZ NOT NULL,
    plan    TEXT COLLATE "C" NOT NULL,
    slots   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (pass_id, until)
);

-- +goose Down
DROP TABLE pass_terms;
