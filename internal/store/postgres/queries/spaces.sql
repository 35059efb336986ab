-- name: UpsertSpace :exec
INSERT INTO spaces (lot_code, code, floor, zone, kind) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (lot_code, code) DO UPDATE SET floor = excluded.floor, zone = excluded.zone, kind = excluded.kind;

-- name: ListSpaceCodes :many
SELECT code FROM spaces WHERE lot_code = $1;

-- name: DeleteSpace :exec
DELETE FROM spaces WHERE lot_code = $1 AND code = $2;

-- name: ListSpaces :many
SELECT * FROM spaces
WHERE lot_code = sqlc.arg(lot_code) AND code > sqlc.arg(after_code)::text
  AND (sqlc.arg(floor)::text = '' OR floor = sqlc.arg(floor)::text)
  AND (sqlc.arg(zone)::text = '' OR zone = sqlc.arg(zone)::text)
ORDER BY code LIMIT sqlc.arg(lim)::int;

-- name: GetSpace :one
SELECT * FROM spaces WHERE lot_code = $1 AND code = $2;

-- name: SetSpaceState :execrows
UPDATE spaces SET occupied = $1, plate = $2, plate_key = $3, since = $4, reported_at = $5, source = $6, plate_at = $7
WHERE lot_code = $8 AND code = $9;

-- name: LocateCar :one
SELECT * FROM spaces
WHERE lot_code = $1 AND plate_key = $2 AND plate_key <> '' AND plate_at >= $3
ORDER BY plate_at DESC, code LIMIT 1;

-- name: CountSpaces :many
SELECT floor, zone, COUNT(*) AS total, COUNT(*) FILTER (WHERE occupied) AS occupied
FROM spaces WHERE lot_code = $1 GROUP BY floor, zone ORDER BY floor, zone;
