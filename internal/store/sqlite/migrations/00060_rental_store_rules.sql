-- +goose Up
-- A store's rental rules (driving, invoices, booking, cancellation): at
-- most one per store, kept when deleted (marked in body) so the channels
-- hear of the deletion. body is the rule's JSON as the core wrote it.
CREATE TABLE rental_store_rules (
    store_code TEXT    NOT NULL PRIMARY KEY REFERENCES rental_stores (code),
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;

-- +goose Down
DROP TABLE rental_store_rules;
