-- +goose Up
-- Commands to chargers relayed between nodes: a node asked to reach a
-- charger whose connection another node holds queues the command here;
-- that node sends it and writes the answer back.
CREATE TABLE charger_commands (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    charger_id TEXT COLLATE "C" NOT NULL,
    action     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    status     TEXT NOT NULL,
    result     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX charger_commands_queued ON charger_commands (created_at) WHERE status = 'queued';
CREATE INDEX charger_commands_updated ON charger_commands (updated_at);

-- +goose Down
DROP TABLE charger_commands;
