-- name: InsertStoreRule :exec
INSERT INTO rental_store_rules (store_code, body, updated_at) VALUES ($1, $2, $3);

-- name: UpdateStoreRule :execrows
UPDATE rental_store_rules SET body = $1, updated_at = $2, version = version + 1 WHERE store_code = $3 AND version = $4;

-- name: GetStoreRule :one
SELECT * FROM rental_store_rules WHERE store_code = $1;
