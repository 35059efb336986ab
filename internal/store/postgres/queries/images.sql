-- name: PutImage :exec
INSERT INTO images (id, lot_code, event_id, content_type, data, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: GetImage :one
SELECT * FROM images WHERE id = $1;
