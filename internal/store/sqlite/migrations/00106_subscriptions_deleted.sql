-- +goose Up
-- A deleted subscription stays, marked, until the prune has removed its
-- deliveries in batches: the cascade of its row's delete would remove
-- them all in one transaction, holding the one writer for that long.
ALTER TABLE subscriptions ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN deleted;
