-- name: UpsertSpace :exec
INSERT INTO spaces (lot_code, code, floor, zone, kind) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (lot_code, code) DO UPDATE SET floor = excluded.floor, zone = excluded.zone, kind = excluded.kind;

-- name: ListSpaceCodes :many
SELECT code FROM spaces WHERE lot_code = ?;

-- name: DeleteSpace :exec
DELETE FROM spaces WHERE lot_code = ? AND code = ?;

-- name: ListSpaces :many
SELECT * FROM spaces
WHERE lot_code = sqlc.arg(lot_code) AND code > sqlc.arg(after_code)
  AND (CAST(sqlc.arg(floor) AS TEXT) = '' OR floor = CAST(sqlc.arg(floor) AS TEXT))
  AND (CAST(sqlc.arg(zone) AS TEXT) = '' OR zone = CAST(sqlc.arg(zone) AS TEXT))
ORDER BY code LIMIT sqlc.arg(lim);

-- name: GetSpace :one
SELECT * FROM spaces WHERE lot_code = ? AND code = ?;

-- name: SetSpaceState :execrows
UPDATE spaces SET occupied = ?, plate = ?, plate_key = ?, since = ?, reported_at = ?, source = ?, plate_at = ?
WHERE lot_code = ? AND code = ?;

-- name: LocateCar :one
SELECT * FROM spaces
WHERE lot_code = ? AND plate_key = ? AND plate_key <> '' AND plate_at >= ?
ORDER BY plate_at DESC, code LIMIT 1;

-- name: CountSpaces :many
SELECT floor, zone, COUNT(*) AS total, CAST(TOTAL(occupied) AS INTEGER) AS occupied
FROM spaces WHERE lot_code = ? GROUP BY floor, zone ORDER BY floor, zone;
