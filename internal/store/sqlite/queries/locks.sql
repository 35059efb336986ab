-- name: InsertLock :exec
INSERT INTO locks (lot_code, plate_key, locked_at, "by") VALUES (?, ?, ?, ?);

-- name: GetLock :one
SELECT * FROM locks WHERE lot_code = ? AND plate_key = ?;

-- name: DeleteLock :execrows
DELETE FROM locks WHERE lot_code = ? AND plate_key = ?;
