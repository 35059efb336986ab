-- name: PutImage :exec
INSERT INTO images (id, lot_code, event_id, content_type, data, created_at) VALUES (?, ?, ?, ?, ?, ?);

-- name: GetImage :one
SELECT * FROM images WHERE id = ?;
