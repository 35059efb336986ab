-- name: InsertDeviceCommand :exec
INSERT INTO device_commands (id, serial, command, payload, status, expires_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetDeviceCommand :one
SELECT * FROM device_commands WHERE id = ?;

-- name: PendingDeviceCommands :many
SELECT * FROM device_commands
WHERE serial = sqlc.arg(serial) AND status = 'queued' AND expires_at > sqlc.arg(now)
ORDER BY created_at, id LIMIT sqlc.arg(max_rows);

-- name: TakeDeviceCommand :execrows
UPDATE device_commands SET status = 'taken', updated_at = sqlc.arg(now)
WHERE id = sqlc.arg(id) AND status = 'queued' AND expires_at > sqlc.arg(now);

-- name: WithdrawDeviceCommand :execrows
UPDATE device_commands SET status = 'withdrawn', updated_at = sqlc.arg(now)
WHERE id = sqlc.arg(id) AND status = 'queued';

-- name: DeleteDeviceCommands :execrows
DELETE FROM device_commands WHERE updated_at < ?;
