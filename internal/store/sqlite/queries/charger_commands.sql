-- name: InsertChargerCommand :exec
INSERT INTO charger_commands (id, charger_id, action, payload, status, result, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetChargerCommand :one
SELECT * FROM charger_commands WHERE id = ?;

-- name: QueuedChargerCommands :many
SELECT * FROM charger_commands WHERE status = 'queued' ORDER BY created_at, id LIMIT ?;

-- name: SetChargerCommand :execrows
UPDATE charger_commands SET status = sqlc.arg(to_status), result = sqlc.arg(result), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND status = sqlc.arg(from_status);

-- name: DeleteChargerCommands :execrows
DELETE FROM charger_commands WHERE updated_at < ?;
