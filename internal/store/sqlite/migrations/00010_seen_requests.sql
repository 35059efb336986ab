-- +goose Up
-- Signed partner requests already served, for the operations whose exact
-- replay must be refused within the signing window (a barrier command, a
-- delete, a lock): digest is what identifies the request (its nonce, or
-- its operation and body).
CREATE TABLE seen_requests (
    partner_id TEXT NOT NULL,
    digest     TEXT NOT NULL,
    seen_at    INTEGER NOT NULL,
    PRIMARY KEY (partner_id, digest)
) STRICT;
CREATE INDEX seen_requests_at ON seen_requests (seen_at);

-- +goose Down
DROP TABLE seen_requests;
