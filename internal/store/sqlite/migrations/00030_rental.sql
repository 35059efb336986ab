-- +goose Up
-- The rental catalogue: stores in parkd's lots, vehicle models, each
-- store's terms for a model, vehicles, and the sales channels the
-- catalogue is pushed to. The columns are what is looked up, joined or
-- kept unique; body is the item's JSON as the core wrote it.
CREATE TABLE rental_stores (
    code       TEXT    NOT NULL PRIMARY KEY,
    lot_code   TEXT    NOT NULL REFERENCES lots (code),
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX rental_stores_lot ON rental_stores (lot_code, code);

CREATE TABLE rental_models (
    code       TEXT    NOT NULL PRIMARY KEY,
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE rental_store_models (
    store_code TEXT    NOT NULL REFERENCES rental_stores (code),
    model_code TEXT    NOT NULL REFERENCES rental_models (code),
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (store_code, model_code)
) STRICT;

CREATE TABLE rental_vehicles (
    plate_key  TEXT    NOT NULL PRIMARY KEY,
    vin        TEXT    NOT NULL UNIQUE,
    store_code TEXT    NOT NULL REFERENCES rental_stores (code),
    model_code TEXT    NOT NULL REFERENCES rental_models (code),
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX rental_vehicles_store ON rental_vehicles (store_code, plate_key);

-- A channel is a partner of its dialect (same id): deleting the partner
-- deletes the channel.
CREATE TABLE rental_channels (
    id         TEXT    NOT NULL PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE rental_channel_stores (
    channel_id TEXT NOT NULL REFERENCES rental_channels (id) ON DELETE CASCADE,
    store_code TEXT NOT NULL REFERENCES rental_stores (code),
    PRIMARY KEY (channel_id, store_code)
) STRICT;
-- A change to a store asks which channels sell it.
CREATE INDEX rental_channel_stores_store ON rental_channel_stores (store_code, channel_id);

-- +goose Down
DROP TABLE rental_channel_stores;
DROP TABLE rental_channels;
DROP TABLE rental_vehicles;
DROP TABLE rental_store_models;
DROP TABLE rental_models;
DROP TABLE rental_stores;
