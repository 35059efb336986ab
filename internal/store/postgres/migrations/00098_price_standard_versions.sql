-- +goose Up
-- Each version of a price standard an edit replaced: a session is billed
-- by the version it started on.
CREATE TABLE price_standard_versions (
    id      BIGINT NOT NULL,
    version BIGINT NOT NULL,
    data    TEXT   NOT NULL,
    PRIMARY KEY (id, version)
);

-- +goose Down
DROP TABLE price_standard_versions;
