-- +goose Up
-- A deleted subscription stays, marked, until the prune has removed its
-- deliveries in batches: the cascade of its row's delete would remove
-- them all in one transaction.
ALTER TABLE subscriptions ADD COLUMN deleted boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN deleted;
