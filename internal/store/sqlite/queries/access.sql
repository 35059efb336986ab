-- name: CreatePass :exec
INSERT INTO passes (id, lot_code, holder_name, mobile, user_code, spaces, valid_from, valid_to, plan,
                    created_at, updated_at, slots, created_as, created_key)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: InsertPassPlate :exec
INSERT INTO pass_plates (lot_code, plate_key, pass_id, plate, position) VALUES (?, ?, ?, ?, ?);

-- name: DeletePassPlates :exec
DELETE FROM pass_plates WHERE pass_id = ?;

-- name: GetPass :one
SELECT * FROM passes WHERE id = ?;

-- name: ListLotPassPlates :many
-- Every plate of a lot's passes (ListPasses: one statement, not one per
-- pass), by pass and position.
SELECT * FROM pass_plates WHERE lot_code = ? ORDER BY pass_id, position;

-- name: ListPassPlates :many
SELECT * FROM pass_plates WHERE pass_id = ? ORDER BY position;

-- name: UpdatePass :execrows
UPDATE passes
SET holder_name = ?, mobile = ?, user_code = ?, spaces = ?, valid_from = ?, valid_to = ?, plan = ?, updated_at = ?,
    slots = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: DeletePass :execrows
DELETE FROM passes WHERE id = ?;

-- name: ListPasses :many
SELECT * FROM passes WHERE lot_code = ? ORDER BY id;

-- name: FindPassIDByPlate :one
SELECT pass_id FROM pass_plates WHERE lot_code = ? AND plate_key = ?;

-- name: CreateWhitelist :exec
INSERT INTO whitelist (id, lot_code, plate, plate_key, kind, valid_from, valid_to, reason, created_at, updated_at, category)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetWhitelist :one
SELECT * FROM whitelist WHERE id = ?;

-- name: UpdateWhitelist :execrows
UPDATE whitelist
SET plate = ?, plate_key = ?, kind = ?, valid_from = ?, valid_to = ?, reason = ?, updated_at = ?,
    category = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: DeleteWhitelist :execrows
DELETE FROM whitelist WHERE id = ?;

-- name: ListWhitelist :many
SELECT * FROM whitelist WHERE lot_code = ? ORDER BY id;

-- name: FindWhitelist :one
SELECT * FROM whitelist WHERE lot_code = ? AND plate_key = ?;

-- name: FindPassIDByCreatedKey :one
-- The newest of a lot's passes made by a create of this key.
SELECT id FROM passes WHERE lot_code = ? AND created_key = ? AND created_key <> ''
ORDER BY created_at DESC, id DESC LIMIT 1;

-- name: FindPassIDByUserCode :one
SELECT id FROM passes WHERE lot_code = ? AND user_code = ? AND user_code <> '';

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
WHERE lot_code = sqlc.arg(lot_code) AND category = sqlc.arg(category) AND (CAST(sqlc.arg(kind) AS TEXT) = '' OR kind = CAST(sqlc.arg(kind) AS TEXT))
  AND plate_key > sqlc.arg(after_plate_key)
ORDER BY plate_key LIMIT sqlc.arg(lim);
