-- name: CreatePass :exec
INSERT INTO passes (id, lot_code, holder_name, mobile, user_code, spaces, valid_from, valid_to, plan,
                    created_at, updated_at, slots, created_as, created_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: InsertPassPlate :exec
INSERT INTO pass_plates (lot_code, plate_key, pass_id, plate, position) VALUES ($1, $2, $3, $4, $5);

-- name: DeletePassPlates :exec
DELETE FROM pass_plates WHERE pass_id = $1;

-- name: GetPass :one
SELECT * FROM passes WHERE id = $1;

-- name: ListLotPassPlates :many
-- Every plate of a lot's passes (ListPasses: one statement, not one per
-- pass), by pass and position.
SELECT * FROM pass_plates WHERE lot_code = $1 ORDER BY pass_id, position;

-- name: ListPassPlates :many
SELECT * FROM pass_plates WHERE pass_id = $1 ORDER BY position;

-- name: UpdatePass :execrows
UPDATE passes
SET holder_name = $1, mobile = $2, user_code = $3, spaces = $4, valid_from = $5, valid_to = $6, plan = $7,
    updated_at = $8, slots = $11, version = version + 1
WHERE id = $9 AND version = $10;

-- name: DeletePass :execrows
DELETE FROM passes WHERE id = $1;

-- name: ListPasses :many
SELECT * FROM passes WHERE lot_code = $1 ORDER BY id;

-- name: FindPassIDByPlate :one
SELECT pass_id FROM pass_plates WHERE lot_code = $1 AND plate_key = $2;

-- name: CreateWhitelist :exec
INSERT INTO whitelist (id, lot_code, plate, plate_key, kind, valid_from, valid_to, reason, created_at, updated_at, category)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: GetWhitelist :one
SELECT * FROM whitelist WHERE id = $1;

-- name: UpdateWhitelist :execrows
UPDATE whitelist
SET plate = $1, plate_key = $2, kind = $3, valid_from = $4, valid_to = $5, reason = $6, updated_at = $7,
    category = $10, version = version + 1
WHERE id = $8 AND version = $9;

-- name: DeleteWhitelist :execrows
DELETE FROM whitelist WHERE id = $1;

-- name: ListWhitelist :many
SELECT * FROM whitelist WHERE lot_code = $1 ORDER BY id;

-- name: FindWhitelist :one
SELECT * FROM whitelist WHERE lot_code = $1 AND plate_key = $2;

-- name: FindPassIDByCreatedKey :one
-- The newest of a lot's passes made by a create of this key.
SELECT id FROM passes WHERE lot_code = $1 AND created_key = $2 AND created_key <> ''
ORDER BY created_at DESC, id DESC LIMIT 1;

-- name: FindPassIDByUserCode :one
SELECT id FROM passes WHERE lot_code = $1 AND user_code = $2 AND user_code <> '';

-- name: PlateRecords :one
SELECT EXISTS (SELECT 1 FROM whitelist w WHERE w.lot_code = sqlc.arg(lot_code) AND w.plate_key = sqlc.arg(plate_key)) AS listed,
       EXISTS (SELECT 1 FROM pass_plates p WHERE p.lot_code = sqlc.arg(lot_code) AND p.plate_key = sqlc.arg(plate_key)) AS pass,
       EXISTS (SELECT 1 FROM reservations r WHERE r.lot_code = sqlc.arg(lot_code) AND r.plate_key = sqlc.arg(plate_key)
                                             AND r.state = 'booked') AS reserved,
       EXISTS (SELECT 1 FROM locks l WHERE l.lot_code = sqlc.arg(lot_code) AND l.plate_key = sqlc.arg(plate_key)) AS locked,
       EXISTS (SELECT 1 FROM coupons c WHERE c.lot_code = sqlc.arg(lot_code) AND c.plate_key = sqlc.arg(plate_key)) AS coupons,
       EXISTS (SELECT 1 FROM stays s WHERE s.lot_code = sqlc.arg(lot_code) AND s.plate_key = sqlc.arg(plate_key)
                                       AND s.state = 'in') AS inside,
       EXISTS (SELECT 1 FROM rental_orders o WHERE o.plate_key = sqlc.arg(plate_key)
                                               AND o.status IN ('awaiting_pickup', 'in_use')) AS rented;

-- name: ListPassPage :many
SELECT * FROM passes WHERE lot_code = sqlc.arg(lot_code) AND id > sqlc.arg(after_id) ORDER BY id LIMIT sqlc.arg(lim);

-- name: ListPassPlatesBetween :many
-- The plates of one page of a lot's passes (ListPassPage: one statement,
-- not one per pass), by pass and position: the page is the lot's passes
-- with ids from first_id to last_id.
SELECT * FROM pass_plates WHERE lot_code = sqlc.arg(lot_code) AND pass_id >= sqlc.arg(first_id) AND pass_id <= sqlc.arg(last_id)
ORDER BY pass_id, position;

-- name: ListWhitelistPage :many
SELECT * FROM whitelist WHERE lot_code = sqlc.arg(lot_code) AND id > sqlc.arg(after_id) ORDER BY id LIMIT sqlc.arg(lim);

-- name: ListEntryPage :many
SELECT * FROM whitelist
WHERE lot_code = sqlc.arg(lot_code) AND category = sqlc.arg(category)
  AND (sqlc.arg(kind)::text = '' OR kind = sqlc.arg(kind)::text)
  AND plate_key > sqlc.arg(after_plate_key)
ORDER BY plate_key LIMIT sqlc.arg(lim);
