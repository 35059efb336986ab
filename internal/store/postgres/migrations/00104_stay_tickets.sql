-- +goose Up
-- The embedded store enciphers a stay's ticket from a sequence number and
-- indexes the number (its 00104). This store draws tickets at random and
-- keeps indexing every ticket; the column and the key are here so a
-- database copied in from the embedded store keeps them.
ALTER TABLE stays ADD COLUMN ticket BIGINT;
CREATE TABLE ticket_keys (
    id  BIGINT  NOT NULL PRIMARY KEY CHECK (id = 1),
    key TEXT    NOT NULL
);

-- +goose Down
DROP TABLE ticket_keys;
ALTER TABLE stays DROP COLUMN ticket;
