-- +goose Up
-- A second ordering key: a delivery waits for the earlier unfinished
-- ones of its partner under key and, when set, under after_key too (a
-- store's terms for a model wait for the model's own push, which the
-- channel must know first). The deliveries_order index serves both.
ALTER TABLE deliveries ADD COLUMN after_key TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE deliveries DROP COLUMN after_key;
