-- +goose Up
-- What is still to be delivered, by subscription then due time (the
-- rowid, seq, after it): the worker's search (DueOfSubscription) starts
-- at the longest due and stops at the first not due yet, instead of
-- walking by age through every retry due later. A claimed (sending)
-- delivery was due when claimed, so its next_at is before its lease's
-- end and an expired claim is found in the same range. It replaces the
-- queue by subscription and age, which only that search read; a claim
-- or an outcome rewrites the entry either way (the state is in WHERE).
CREATE INDEX deliveries_sub_due ON deliveries (subscription_id, next_at) WHERE state IN ('pending', 'failed', 'sending');
DROP INDEX deliveries_sub_queue;

-- +goose Down
CREATE INDEX deliveries_sub_queue ON deliveries (subscription_id, seq) WHERE state IN ('pending', 'failed', 'sending');
DROP INDEX deliveries_sub_due;
