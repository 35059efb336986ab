-- name: InsertLock :exec
INSERT INTO locks (lot_code, plate_key, locked_at, "by") VALUES ($1, $2, $3, $4);

-- name: GetLock :one
SELECT * FROM locks WHERE lot_code = $1 AND plate_key = $2;

-- name: DeleteLock :execrows
DELETE FROM locks WHERE lot_code = $1 AND plate_key = $2;
