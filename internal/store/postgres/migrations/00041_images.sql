-- +goose Up
-- Pictures cameras send with their reads, kept for the operator.
CREATE TABLE images (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    lot_code     TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    event_id     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         TEXT NOT NULL, -- base64
    created_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE images;
