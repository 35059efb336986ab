-- +goose Up
-- Partners that speak a foreign dialect, the integrator users that sign in
-- for them, and the bearer tokens those users hold (only their SHA-256).
CREATE TABLE partners (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    dialect    TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    secret     TEXT    NOT NULL DEFAULT '',
    sign_mode  TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE partner_lots (
    partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    lot_code   TEXT NOT NULL REFERENCES lots (code),
    PRIMARY KEY (partner_id, lot_code)
) STRICT;

CREATE TABLE integrators (
    username        TEXT    NOT NULL PRIMARY KEY,
    password_hash   TEXT    NOT NULL,
    default_partner TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE integrator_partners (
    username   TEXT    NOT NULL REFERENCES integrators (username) ON DELETE CASCADE,
    partner_id TEXT    NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (username, partner_id)
) STRICT;

CREATE TABLE api_tokens (
    hash       TEXT    NOT NULL PRIMARY KEY,
    username   TEXT    NOT NULL REFERENCES integrators (username) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (username) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE integrator_partners;
DROP TABLE integrators;
DROP TABLE partner_lots;
DROP TABLE partners;
