-- name: CreateLot :exec
INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds,
                  sandbox, missed_entry, tariff, tariff_version, occupied, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?);

-- name: GetLot :one
SELECT * FROM lots WHERE code = ?;

-- name: ListLots :many
SELECT * FROM lots ORDER BY code;

-- name: UpdateLot :execrows
UPDATE lots
SET name = ?, timezone = ?, currency = ?, capacity = ?, exit_grace_minutes = ?, quote_ttl_seconds = ?,
    sandbox = ?, missed_entry = ?, tariff = ?, tariff_version = ?, updated_at = ?, version = version + 1
WHERE code = ? AND version = ?;

-- name: AddOccupied :execrows
UPDATE lots SET occupied = MAX(0, occupied + ?) WHERE code = ?;

-- name: GetLane :one
SELECT * FROM lanes WHERE lot_code = ? AND id = ?;

-- name: CreateLane :exec
INSERT INTO lanes (lot_code, id, direction, created_at) VALUES (?, ?, ?, ?);
