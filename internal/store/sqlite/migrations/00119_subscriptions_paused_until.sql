-- +goose Up
-- The end of a partner's pause (its Retry-After on a 429 or 503), kept
-- with the subscription so every node, and a node after a restart, holds
-- its deliveries until then (NULL: none).
ALTER TABLE subscriptions ADD COLUMN paused_until INTEGER;

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN paused_until;
