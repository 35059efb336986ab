-- +goose Up
-- Each version of a price standard an edit replaced: a session is billed
-- by the version it started on.
CREATE TABLE price_standard_versions (
    id      INTEGER NOT NULL,
    version INTEGER NOT NULL,
    data    TEXT    NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

-- +goose Down
DROP TABLE price_standard_versions;
