-- name: CreateLot :exec
INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds,
                  sandbox, missed_entry, tariff, tariff_version, occupied, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13);

-- name: GetLot :one
SELECT * FROM lots WHERE code = $1;

-- name: ListLots :many
SELECT * FROM lots ORDER BY code;

-- name: UpdateLot :execrows
UPDATE lots
SET name = $1, timezone = $2, currency = $3, capacity = $4, exit_grace_minutes = $5, quote_ttl_seconds = $6,
    sandbox = $7, missed_entry = $8, tariff = $9, tariff_version = $10, updated_at = $11, version = version + 1
WHERE code = $12 AND version = $13;

-- name: AddOccupied :execrows
UPDATE lots SET occupied = GREATEST(0, occupied + sqlc.arg(delta)::bigint) WHERE code = sqlc.arg(code);

-- name: GetLane :one
SELECT * FROM lanes WHERE lot_code = $1 AND id = $2;

-- name: CreateLane :exec
INSERT INTO lanes (lot_code, id, direction, created_at) VALUES ($1, $2, $3, $4);
