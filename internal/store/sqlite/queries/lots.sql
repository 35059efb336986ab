-- name: CreateLot :exec
INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds,
                  sandbox, missed_entry, tariff, tariff_version, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetLot :one
SELECT sqlc.embed(lots),
       CAST(MAX(0, (SELECT COALESCE(SUM(c.occupied), 0) FROM lot_counts c WHERE c.lot_code = lots.code)) AS INTEGER) AS occupied
FROM lots WHERE code = ?;

-- name: GetLotSettings :one
SELECT * FROM lots WHERE code = ?;

-- name: CountInside :one
SELECT CAST(MAX(0, COALESCE(SUM(occupied), 0)) AS INTEGER) AS occupied FROM lot_counts WHERE lot_code = ?;

-- name: ListLots :many
SELECT sqlc.embed(lots),
       CAST(MAX(0, (SELECT COALESCE(SUM(c.occupied), 0) FROM lot_counts c WHERE c.lot_code = lots.code)) AS INTEGER) AS occupied
FROM lots ORDER BY code;

-- name: UpdateLot :execrows
UPDATE lots
SET name = ?, timezone = ?, currency = ?, capacity = ?, exit_grace_minutes = ?, quote_ttl_seconds = ?,
    sandbox = ?, missed_entry = ?, tariff = ?, tariff_version = ?, updated_at = ?, version = version + 1
WHERE code = ? AND version = ?;

-- name: AddOccupied :exec
INSERT INTO lot_counts (lot_code, shard, occupied) VALUES (?, ?, ?)
ON CONFLICT (lot_code, shard) DO UPDATE SET occupied = lot_counts.occupied + excluded.occupied;

-- name: GetLane :one
SELECT * FROM lanes WHERE lot_code = ? AND id = ?;

-- name: CreateLane :exec
INSERT INTO lanes (lot_code, id, direction, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (lot_code, id) DO NOTHING;
