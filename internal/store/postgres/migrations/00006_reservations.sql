-- +goose Up
-- Barrier commands (Ebopark 3.2.5, native /v1/lots/{lot}/lanes/{lane}/commands):
-- every command sent to a lane's device, with who sent it and whether the
-- device obeyed, so an operator can see who opened a barrier.
CREATE TABLE gate_commands (
    id       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    lot_code TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    lane     TEXT COLLATE "C" NOT NULL,
    command  TEXT        NOT NULL,
    "by"     TEXT        NOT NULL DEFAULT '',
    reason   TEXT        NOT NULL DEFAULT '',
    at       TIMESTAMPTZ NOT NULL,
    result   TEXT        NOT NULL,
    detail   TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX gate_commands_lot ON gate_commands (lot_code, id);
CREATE INDEX gate_commands_lane ON gate_commands (lot_code, lane, id);

-- Lanes held open (道闸常开): a row while the lane's barrier is kept up.
CREATE TABLE lane_holds (
    lot_code TEXT COLLATE "C" NOT NULL,
    lane     TEXT COLLATE "C" NOT NULL,
    "by"     TEXT        NOT NULL DEFAULT '',
    since    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (lot_code, lane),
    FOREIGN KEY (lot_code, lane) REFERENCES lanes (lot_code, id)
);

-- Reservations and shared-parking orders (Ebopark 3.2.6): a partner's
-- order for one car in one lot during a window, prepaid.
CREATE TABLE reservations (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    partner_id    TEXT COLLATE "C" NOT NULL,
    lot_code      TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    order_no      TEXT COLLATE "C" NOT NULL,
    kind          TEXT        NOT NULL,
    plate         TEXT        NOT NULL,
    plate_key     TEXT COLLATE "C" NOT NULL,
    mobile        TEXT        NOT NULL DEFAULT '',
    user_name     TEXT        NOT NULL DEFAULT '',
    valid_from    TIMESTAMPTZ NOT NULL,
    valid_to      TIMESTAMPTZ NOT NULL,
    prepaid       BIGINT      NOT NULL,
    may_enter     BOOLEAN     NOT NULL,
    may_exit      BOOLEAN     NOT NULL,
    state         TEXT        NOT NULL,
    stay_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    terminated_at TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT      NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX reservations_order ON reservations (partner_id, lot_code, order_no);
CREATE INDEX reservations_plate ON reservations (lot_code, plate_key, valid_from);
CREATE INDEX reservations_mobile ON reservations (lot_code, mobile) WHERE mobile <> '';
CREATE UNIQUE INDEX reservations_stay ON reservations (stay_id) WHERE stay_id <> '';

-- The reservation a stay entered on, so pricing and exits of the other
-- stays (nearly all) need not look one up.
ALTER TABLE stays ADD COLUMN reservation_id TEXT COLLATE "C" NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE stays DROP COLUMN reservation_id;
DROP TABLE reservations;
DROP TABLE lane_holds;
DROP TABLE gate_commands;
