-- +goose Up
-- Special vehicles and hotel cars were list entries marked by a
-- "special:" or "hotel:" prefix in their reason; the list they belong to
-- is now a column, and the reason keeps only the type or the room.
ALTER TABLE whitelist ADD COLUMN category TEXT NOT NULL DEFAULT '';
UPDATE whitelist SET category = 'special', reason = substring(reason from 9) WHERE reason LIKE 'special:%';
UPDATE whitelist SET category = 'hotel', reason = substring(reason from 7) WHERE reason LIKE 'hotel:%';

-- +goose Down
UPDATE whitelist SET reason = category || ':' || reason WHERE category <> '';
ALTER TABLE whitelist DROP COLUMN category;
