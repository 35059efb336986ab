-- +goose Up
-- Coupons (停车券): deductions partners grant to a car of a lot. A coupon
-- is issued, then used once (by the stay it applied to, with the payment
-- that settled it) or deleted; rows are kept for the partner's records.
CREATE TABLE coupons (
    lot_code   TEXT    NOT NULL REFERENCES lots (code),
    id         TEXT    NOT NULL,
    plate      TEXT    NOT NULL,
    plate_key  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    value      INTEGER NOT NULL,
    issuer     TEXT    NOT NULL DEFAULT '',
    merchant   TEXT    NOT NULL DEFAULT '',
    valid_from INTEGER NOT NULL,
    valid_to   INTEGER NOT NULL,
    state      TEXT    NOT NULL,
    stay_id    TEXT    NOT NULL DEFAULT '',
    payment_id TEXT    NOT NULL DEFAULT '',
    used_at    INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (lot_code, id)
) STRICT;
-- Pricing reads a plate's coupons at every fee query and exit.
CREATE INDEX coupons_plate ON coupons (lot_code, plate_key, created_at);

-- +goose Down
DROP TABLE coupons;
