-- +goose Up
-- Monthly rates (月租套餐) of a lot; slots is empty for a whole-day plan,
-- else its daily windows as "19:00-08:00,12:00-14:00".
CREATE TABLE plans (
    lot_code      TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    code          TEXT COLLATE "C" NOT NULL,
    name          TEXT        NOT NULL,
    price         BIGINT      NOT NULL,
    vehicle_class TEXT        NOT NULL DEFAULT '',
    slots         TEXT        NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT      NOT NULL DEFAULT 1,
    PRIMARY KEY (lot_code, code)
);

-- A time-slot pass parks free only inside its daily slots ('' = all day).
ALTER TABLE passes ADD COLUMN slots TEXT NOT NULL DEFAULT '';

-- Pass renewal orders: quoted, then paid at most once (payer, reference).
CREATE TABLE renewals (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    lot_code      TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    pass_id       TEXT COLLATE "C" NOT NULL,
    plan_code     TEXT COLLATE "C" NOT NULL,
    months        BIGINT      NOT NULL,
    amount        BIGINT      NOT NULL,
    pass_valid_to TIMESTAMPTZ NOT NULL,
    starts_at     TIMESTAMPTZ NOT NULL,
    valid_to      TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    paid_at       TIMESTAMPTZ,
    payer         TEXT COLLATE "C" NOT NULL DEFAULT '',
    reference     TEXT COLLATE "C" NOT NULL DEFAULT '',
    method        TEXT        NOT NULL DEFAULT '',
    source        TEXT COLLATE "C" NOT NULL DEFAULT '',
    version       BIGINT      NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX renewals_reference ON renewals (payer, reference) WHERE reference <> '';
CREATE INDEX renewals_pass ON renewals (pass_id);

-- +goose Down
DROP TABLE renewals;
ALTER TABLE passes DROP COLUMN slots;
DROP TABLE plans;
