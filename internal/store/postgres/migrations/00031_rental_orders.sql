-- +goose Up
-- Rental orders: a vehicle reserved at a store for a time. body is the
-- order's JSON; the columns are what it is found and kept unique by.
CREATE TABLE rental_orders (
    id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    channel_id       TEXT COLLATE "C" NOT NULL,
    channel_order_id TEXT COLLATE "C" NOT NULL,
    plate_key        TEXT COLLATE "C" NOT NULL REFERENCES rental_vehicles (plate_key),
    status           TEXT    NOT NULL,
    pickup_at        TIMESTAMPTZ NOT NULL,
    body             TEXT    NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1
);
-- A channel's order id names one order (a repeated submit finds it).
CREATE UNIQUE INDEX rental_orders_channel ON rental_orders (channel_id, channel_order_id) WHERE channel_order_id <> '';
-- The gate asks for a plate's open orders.
CREATE INDEX rental_orders_open ON rental_orders (plate_key, pickup_at) WHERE status IN ('awaiting_pickup', 'in_use');

-- +goose Down
DROP TABLE rental_orders;
