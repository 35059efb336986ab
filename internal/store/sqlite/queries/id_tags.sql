-- name: CreateIDTag :exec
INSERT INTO id_tags (lot_code, tag, plate, plate_key, note, blocked, expires_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetIDTag :one
SELECT * FROM id_tags WHERE lot_code = ? AND tag = ?;

-- name: UpdateIDTag :execrows
UPDATE id_tags SET plate = ?, plate_key = ?, note = ?, blocked = ?, expires_at = ?, updated_at = ?, version = version + 1
WHERE lot_code = ? AND tag = ? AND version = ?;

-- name: DeleteIDTag :execrows
DELETE FROM id_tags WHERE lot_code = ? AND tag = ?;

-- name: ListIDTags :many
SELECT * FROM id_tags WHERE lot_code = ? AND tag > ? ORDER BY tag LIMIT ?;
