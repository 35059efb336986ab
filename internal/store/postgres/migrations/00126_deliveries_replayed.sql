-- +goose Up
-- A delivery an operator replayed while it was being sent (sending,
-- under a claim not over) is marked here, so that its next_at can say
-- when the replay asked for it: it was marked by next_at = lease_until,
-- which showed the claim's end as when it would go again. Those marked
-- so keep that next_at.
ALTER TABLE deliveries ADD COLUMN replayed BOOLEAN NOT NULL DEFAULT false;
UPDATE deliveries SET replayed = true WHERE state = 'sending' AND next_at = lease_until;

-- +goose Down
UPDATE deliveries SET next_at = lease_until WHERE replayed;
ALTER TABLE deliveries DROP COLUMN replayed;
