-- +goose Up
-- The operator's console: people who sign in, their sessions, and the
-- audit log of every change they make.

-- lots is a JSON array of lot codes (a lot operator's lots; '[]' else).
CREATE TABLE operators (
    name          TEXT    NOT NULL PRIMARY KEY,
    role          TEXT    NOT NULL,
    lots          TEXT    NOT NULL DEFAULT '[]',
    language      TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;

-- hash is the SHA-256 of the session's cookie; the cookie itself is
-- never stored. revoked_at is NULL while the session is not revoked.
CREATE TABLE sessions (
    hash       TEXT    NOT NULL PRIMARY KEY,
    operator   TEXT    NOT NULL REFERENCES operators (name) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    source     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
CREATE INDEX sessions_operator ON sessions (operator);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Append-only: who changed what, when, before and after (JSON, '' when
-- the thing did not exist).
CREATE TABLE audit_log (
    seq    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id     TEXT    NOT NULL UNIQUE,
    at     INTEGER NOT NULL,
    actor  TEXT    NOT NULL,
    action TEXT    NOT NULL,
    lot    TEXT    NOT NULL DEFAULT '',
    target TEXT    NOT NULL,
    reason TEXT    NOT NULL DEFAULT '',
    before TEXT    NOT NULL DEFAULT '',
    after  TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_lot ON audit_log (lot, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

-- The lots overview sums a day's payments per lot.
CREATE INDEX payments_lot_paid ON payments (lot_code, paid_at);

-- The lanes page follows a lot's newest camera events.
CREATE INDEX events_lot_received ON events (lot_code, received_at);

-- +goose Down
DROP INDEX events_lot_received;
DROP INDEX payments_lot_paid;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE operators;
