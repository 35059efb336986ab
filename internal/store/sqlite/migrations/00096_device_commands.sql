-- +goose Up
-- Commands waiting for a device reached only through the replies to its
-- heartbeats: the heartbeat may reach any node, so the queue is shared.
CREATE TABLE device_commands (
    id         TEXT    NOT NULL PRIMARY KEY,
    serial     TEXT    NOT NULL,
    command    TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX device_commands_queued ON device_commands (serial, created_at) WHERE status = 'queued';
CREATE INDEX device_commands_updated ON device_commands (updated_at);

-- +goose Down
DROP TABLE device_commands;
