-- name: InsertGateCommand :exec
INSERT INTO gate_commands (id, lot_code, lane, command, "by", reason, at, result, detail)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: ListGateCommands :many
SELECT * FROM gate_commands WHERE lot_code = ? ORDER BY id DESC LIMIT ?;

-- name: ListLaneGateCommandsBetween :many
SELECT * FROM gate_commands
WHERE lot_code = sqlc.arg(lot_code) AND lane = sqlc.arg(lane) AND at >= sqlc.arg(from_at) AND at <= sqlc.arg(to_at)
ORDER BY at, id LIMIT sqlc.arg(lim);

-- name: ListLaneGateCommands :many
SELECT * FROM gate_commands WHERE lot_code = ? AND lane = ? ORDER BY id DESC LIMIT ?;

-- name: InsertLaneHold :exec
INSERT INTO lane_holds (lot_code, lane, "by", since) VALUES (?, ?, ?, ?);

-- name: DeleteLaneHold :execrows
DELETE FROM lane_holds WHERE lot_code = ? AND lane = ?;

-- name: ListLaneHolds :many
SELECT * FROM lane_holds ORDER BY lot_code, lane;

-- name: GetLaneHold :one
SELECT * FROM lane_holds WHERE lot_code = ? AND lane = ?;

-- name: InsertReservation :exec
INSERT INTO reservations (id, partner_id, lot_code, order_no, kind, plate, plate_key, mobile, user_name,
                          valid_from, valid_to, prepaid, may_enter, may_exit, state, stay_id, terminated_at,
                          created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetReservation :one
SELECT * FROM reservations WHERE id = ?;

-- name: FindReservation :one
SELECT * FROM reservations WHERE partner_id = ? AND lot_code = ? AND order_no = ?;

-- name: StayReservations :many
SELECT * FROM reservations WHERE stay_id = ? AND stay_id <> ''
ORDER BY valid_from, id LIMIT 100;

-- name: BookedReservations :many
SELECT * FROM reservations WHERE lot_code = ? AND plate_key = ? AND state = 'booked' AND valid_to > ?
ORDER BY valid_from, id LIMIT 100;

-- name: ListReservationsByPlate :many
SELECT * FROM reservations WHERE partner_id = ? AND lot_code = ? AND plate_key = ?
ORDER BY valid_from DESC, id DESC LIMIT ?;

-- name: ListReservationsByMobile :many
SELECT * FROM reservations WHERE partner_id = ? AND lot_code = ? AND mobile = ? AND mobile <> ''
ORDER BY valid_from DESC, id DESC LIMIT ?;

-- name: LotReservations :many
SELECT * FROM reservations
WHERE lot_code = sqlc.arg(lot_code) AND valid_from < sqlc.arg(from_before)
  AND valid_to > sqlc.arg(to_after) AND valid_to <= sqlc.arg(to_by)
  AND (CAST(sqlc.arg(state) AS TEXT) = '' OR state = CAST(sqlc.arg(state) AS TEXT))
  AND (CAST(sqlc.arg(plate_key) AS TEXT) = '' OR plate_key = CAST(sqlc.arg(plate_key) AS TEXT))
ORDER BY valid_from DESC, id DESC LIMIT sqlc.arg(lim);

-- name: UpdateReservation :execrows
UPDATE reservations
SET kind = ?, plate = ?, plate_key = ?, mobile = ?, user_name = ?, valid_from = ?, valid_to = ?, prepaid = ?,
    may_enter = ?, may_exit = ?, state = ?, stay_id = ?, terminated_at = ?, updated_at = ?, version = version + 1
WHERE id = ? AND version = ?;
