-- +goose Up
-- Coupons (停车券): deductions partners grant to a car of a lot. A coupon
-- is issued, then used once (by the stay it applied to, with the payment
-- that settled it) or deleted; rows are kept for the partner's records.
CREATE TABLE coupons (
    lot_code   TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    id         TEXT COLLATE "C" NOT NULL,
    plate      TEXT        NOT NULL,
    plate_key  TEXT COLLATE "C" NOT NULL,
    kind       TEXT        NOT NULL,
    value      BIGINT      NOT NULL,
    issuer     TEXT COLLATE "C" NOT NULL DEFAULT '',
    merchant   TEXT        NOT NULL DEFAULT '',
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to   TIMESTAMPTZ NOT NULL,
    state      TEXT        NOT NULL,
    stay_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    payment_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT      NOT NULL DEFAULT 1,
    PRIMARY KEY (lot_code, id)
);
-- Pricing reads a plate's coupons at every fee query and exit.
CREATE INDEX coupons_plate ON coupons (lot_code, plate_key, created_at);

-- +goose Down
DROP TABLE coupons;
