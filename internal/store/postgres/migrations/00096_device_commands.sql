-- +goose Up
-- Commands waiting for a device reached only through the replies to its
-- heartbeats: the heartbeat may reach any node, so the queue is shared.
CREATE TABLE device_commands (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    serial     TEXT COLLATE "C" NOT NULL,
    command    TEXT NOT NULL,
    payload    TEXT NOT NULL,
    status     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX device_commands_queued ON device_commands (serial, created_at) WHERE status = 'queued';
CREATE INDEX device_commands_updated ON device_commands (updated_at);

-- +goose Down
DROP TABLE device_commands;
