-- +goose Up
-- The retention deletes finished deliveries, delivered or dead, oldest
-- last change first (PruneFinishedDeliveries), so each batch reads only
-- the rows it deletes. Finished rows only: the gate's insert of a pending
-- delivery and a claim never write to it; a delivery enters it once, when
-- it is delivered or dies. It replaces the index of delivered ones by
-- delivered_at, which only the cleanup of delivered ones read.
CREATE INDEX deliveries_finished ON deliveries (coalesce(delivered_at, last_attempt_at, created_at))
    WHERE state IN ('delivered', 'dead');
DROP INDEX deliveries_delivered;

-- +goose Down
CREATE INDEX deliveries_delivered ON deliveries (delivered_at) WHERE state = 'delivered';
DROP INDEX deliveries_finished;
