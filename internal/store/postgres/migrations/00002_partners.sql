-- +goose Up
-- Partners that speak a foreign dialect, the integrator users that sign in
-- for them, and the bearer tokens those users hold (only their SHA-256).
CREATE TABLE partners (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name       TEXT        NOT NULL,
    dialect    TEXT        NOT NULL,
    type       TEXT        NOT NULL,
    secret     TEXT        NOT NULL DEFAULT '',
    sign_mode  TEXT        NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT      NOT NULL DEFAULT 1
);

CREATE TABLE partner_lots (
    partner_id TEXT COLLATE "C" NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    lot_code   TEXT COLLATE "C" NOT NULL REFERENCES lots (code),
    PRIMARY KEY (partner_id, lot_code)
);

CREATE TABLE integrators (
    username        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    password_hash   TEXT        NOT NULL,
    default_partner TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT      NOT NULL DEFAULT 1
);

CREATE TABLE integrator_partners (
    username   TEXT COLLATE "C" NOT NULL REFERENCES integrators (username) ON DELETE CASCADE,
    partner_id TEXT COLLATE "C" NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    position   BIGINT      NOT NULL,
    PRIMARY KEY (username, partner_id)
);

CREATE TABLE api_tokens (
    hash       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    username   TEXT COLLATE "C" NOT NULL REFERENCES integrators (username) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (username) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE integrator_partners;
DROP TABLE integrators;
DROP TABLE partner_lots;
DROP TABLE partners;
