-- name: CreateIDTag :exec
INSERT INTO id_tags (lot_code, tag, plate, plate_key, note, blocked, expires_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: GetIDTag :one
SELECT * FROM id_tags WHERE lot_code = $1 AND tag = $2;

-- name: UpdateIDTag :execrows
UPDATE id_tags SET plate = $1, plate_key = $2, note = $3, blocked = $4, expires_at = $5, updated_at = $6, version = version + 1
WHERE lot_code = $7 AND tag = $8 AND version = $9;

-- name: DeleteIDTag :execrows
DELETE FROM id_tags WHERE lot_code = $1 AND tag = $2;

-- name: ListIDTags :many
SELECT * FROM id_tags WHERE lot_code = $1 AND tag > $2 ORDER BY tag LIMIT $3;
