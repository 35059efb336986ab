-- +goose Up
-- A subscription's limits hold for the whole cluster, not per node: a
-- claim (ClaimDueDeliveries, serialised) counts what every node has in
-- flight for it, through deliveries_sending, and uses its rate's slots
-- up to slots_until, which each claim moves on by one slot a delivery
-- (NULL: none used yet).
ALTER TABLE subscriptions ADD COLUMN slots_until INTEGER;
CREATE INDEX deliveries_sending ON deliveries (subscription_id, lease_until) WHERE state = 'sending';

-- +goose Down
DROP INDEX deliveries_sending;
ALTER TABLE subscriptions DROP COLUMN slots_until;
