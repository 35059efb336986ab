-- name: InsertStoreRule :exec
INSERT INTO rental_store_rules (store_code, body, updated_at) VALUES (?, ?, ?);

-- name: UpdateStoreRule :execrows
UPDATE rental_store_rules SET body = ?, updated_at = ?, version = version + 1 WHERE store_code = ? AND version = ?;

-- name: GetStoreRule :one
SELECT * FROM rental_store_rules WHERE store_code = ?;
