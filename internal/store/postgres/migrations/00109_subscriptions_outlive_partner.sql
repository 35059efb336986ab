-- +goose Up
-- A partner's subscriptions outlive its row: deleting a partner marks them
-- deleted, and the prune removes their deliveries in batches, then them.
-- Their foreign key to partners would instead delete them, and by theirs
-- every delivery, in the partner's one transaction.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_partner_id_fkey;

-- +goose Down
-- The key back: subscriptions of partners deleted since (marked deleted,
-- waiting for the prune) go first, with their deliveries.
DELETE FROM subscriptions WHERE partner_id NOT IN (SELECT id FROM partners);
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_partner_id_fkey
    FOREIGN KEY (partner_id) REFERENCES partners (id) ON DELETE CASCADE;
