-- name: CreateDevice :exec
INSERT INTO devices (serial, lot_code, lane, kind, protocol, direction, addr, username, password, online, seen_at, since, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: GetDevice :one
SELECT * FROM devices WHERE serial = $1;

-- name: ListDevices :many
SELECT * FROM devices ORDER BY serial;

-- name: ListLotDevices :many
SELECT * FROM devices WHERE lot_code = $1 ORDER BY serial;

-- name: DeleteDevice :execrows
DELETE FROM devices WHERE serial = $1;

-- name: MarkDeviceSeen :execrows
UPDATE devices SET seen_at = sqlc.arg(seen_at)
WHERE serial = sqlc.arg(serial) AND (seen_at IS NULL OR seen_at < sqlc.arg(seen_at));

-- name: SetDeviceOnline :execrows
UPDATE devices SET online = sqlc.arg(online), since = sqlc.arg(since)
WHERE serial = sqlc.arg(serial) AND online = sqlc.arg(was);

-- name: NoteLaneListChange :exec
INSERT INTO lane_list_changes (lot_code, plate, created_at) VALUES ($1, $2, $3);

-- name: LaneListLots :many
SELECT DISTINCT lot_code FROM lane_list_changes ORDER BY lot_code;

-- name: ListLaneListChanges :many
SELECT * FROM lane_list_changes WHERE lot_code = $1 ORDER BY seq LIMIT $2;

-- name: DeleteLaneListChanges :execrows
DELETE FROM lane_list_changes WHERE lot_code = sqlc.arg(lot_code) AND seq <= sqlc.arg(up_to);

-- name: RaiseDeviceUnanswered :execrows
UPDATE devices SET unanswered_since = sqlc.arg(at) WHERE serial = sqlc.arg(serial) AND unanswered_since IS NULL;

-- name: ClearDeviceUnanswered :execrows
UPDATE devices SET unanswered_since = NULL WHERE serial = sqlc.arg(serial) AND unanswered_since IS NOT NULL;
