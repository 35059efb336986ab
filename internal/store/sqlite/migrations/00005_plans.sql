-- +goose Up
-- Monthly rates (月租套餐) of a lot; slots is empty for a whole-day plan,
-- else its daily windows as "19:00-08:00,12:00-14:00".
CREATE TABLE plans (
    lot_code      TEXT    NOT NULL REFERENCES lots (code),
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    price         INTEGER NOT NULL,
    vehicle_class TEXT    NOT NULL DEFAULT '',
    slots         TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (lot_code, code)
) STRICT;

-- A time-slot pass parks free only inside its daily slots ('' = all day).
ALTER TABLE passes ADD COLUMN slots TEXT NOT NULL DEFAULT '';

-- Pass renewal orders: quoted, then paid at most once (payer, reference).
CREATE TABLE renewals (
    id            TEXT    NOT NULL PRIMARY KEY,
    lot_code      TEXT    NOT NULL REFERENCES lots (code),
    pass_id       TEXT    NOT NULL,
    plan_code     TEXT    NOT NULL,
    months        INTEGER NOT NULL,
    amount        INTEGER NOT NULL,
    pass_valid_to INTEGER NOT NULL,
    starts_at     INTEGER NOT NULL,
    valid_to      INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    paid_at       INTEGER,
    payer         TEXT    NOT NULL DEFAULT '',
    reference     TEXT    NOT NULL DEFAULT '',
    method        TEXT    NOT NULL DEFAULT '',
    source        TEXT    NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX renewals_reference ON renewals (payer, reference) WHERE reference <> '';
CREATE INDEX renewals_pass ON renewals (pass_id);

-- +goose Down
DROP TABLE renewals;
ALTER TABLE passes DROP COLUMN slots;
DROP TABLE plans;
