-- +goose Up
-- A stay's ticket is enciphered from a sequence number (package ticket)
-- and the index holds that number, in issue order: an entry writes at the
-- index's end, not on a page its random ticket picks. Tickets made
-- otherwise (before this migration, by the sandbox, copied in) keep the
-- ticket index, which then holds only them.
ALTER TABLE stays ADD COLUMN ticket INTEGER;
CREATE UNIQUE INDEX stays_ticket ON stays (ticket) WHERE ticket IS NOT NULL;
DROP INDEX stays_locator;
CREATE UNIQUE INDEX stays_locator ON stays (lot_code, locator) WHERE ticket IS NULL;
-- The key of the tickets' cipher, made at the first start, hex.
CREATE TABLE ticket_keys (
    id  INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    key TEXT    NOT NULL
);

-- +goose Down
DROP TABLE ticket_keys;
DROP INDEX stays_locator;
CREATE UNIQUE INDEX stays_locator ON stays (lot_code, locator);
DROP INDEX stays_ticket;
ALTER TABLE stays DROP COLUMN ticket;
