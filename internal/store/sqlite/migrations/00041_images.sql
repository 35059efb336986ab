-- +goose Up
-- Pictures cameras send with their reads, kept for the operator.
CREATE TABLE images (
    id           TEXT NOT NULL PRIMARY KEY,
    lot_code     TEXT NOT NULL REFERENCES lots (code),
    event_id     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         TEXT NOT NULL, -- base64
    created_at   INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE images;
