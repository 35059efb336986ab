-- +goose Up
-- The operator's console: people who sign in, their sessions, and the
-- audit log of every change they make.

-- lots is a JSON array of lot codes (a lot operator's lots; '[]' else).
CREATE TABLE operators (
    name          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    role          TEXT        NOT NULL,
    lots          TEXT        NOT NULL DEFAULT '[]',
    language      TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    disabled      BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT      NOT NULL DEFAULT 1
);

-- hash is the SHA-256 of the session's cookie; the cookie itself is
-- never stored. revoked_at is NULL while the session is not revoked.
CREATE TABLE sessions (
    hash       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    operator   TEXT COLLATE "C" NOT NULL REFERENCES operators (name) ON DELETE CASCADE,
    csrf       TEXT        NOT NULL,
    source     TEXT        NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX sessions_operator ON sessions (operator);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Append-only: who changed what, when, before and after (JSON, '' when
-- the thing did not exist).
CREATE TABLE audit_log (
    seq    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id     TEXT COLLATE "C" NOT NULL UNIQUE,
    at     TIMESTAMPTZ NOT NULL,
    actor  TEXT COLLATE "C" NOT NULL,
    action TEXT        NOT NULL,
    lot    TEXT COLLATE "C" NOT NULL DEFAULT '',
    target TEXT        NOT NULL,
    reason TEXT        NOT NULL DEFAULT '',
    before TEXT        NOT NULL DEFAULT '',
    after  TEXT        NOT NULL DEFAULT ''
);
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
