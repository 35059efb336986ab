-- +goose Up
-- What is still to be delivered, by subscription then age: the worker
-- looks for what is due subscription by subscription, only among enabled
-- ones, so a disabled subscription's kept backlog is never walked.
-- It replaces the queue by age alone, which only that search read.
CREATE INDEX deliveries_sub_queue ON deliveries (subscription_id, seq) WHERE state IN ('pending', 'failed', 'sending');
DROP INDEX deliveries_queue;

-- +goose Down
CREATE INDEX deliveries_queue ON deliveries (seq) WHERE state IN ('pending', 'failed', 'sending');
DROP INDEX deliveries_sub_queue;
