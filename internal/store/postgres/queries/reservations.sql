-- name: InsertGateCommand :exec
INSERT INTO gate_commands (id, lot_code, lane, command, "by", reason, at, result, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: ListGateCommands :many
SELECT * FROM gate_commands WHERE lot_code = $1 ORDER BY id DESC LIMIT $2;

-- name: ListLaneGateCommandsBetween :many
SELECT * FROM gate_commands
WHERE lot_code = sqlc.arg(lot_code) AND lane = sqlc.arg(lane) AND at >= sqlc.arg(from_at) AND at <= sqlc.arg(to_at)
ORDER BY at, id LIMIT sqlc.arg(lim);

-- name: ListLaneGateCommands :many
SELECT * FROM gate_commands WHERE lot_code = $1 AND lane = $2 ORDER BY id DESC LIMIT $3;

-- name: InsertLaneHold :exec
INSERT INTO lane_holds (lot_code, lane, "by", since) VALUES ($1, $2, $3, $4);

-- name: DeleteLaneHold :execrows
DELETE FROM lane_holds WHERE lot_code = $1 AND lane = $2;

-- name: ListLaneHolds :many
SELECT * FROM lane_holds ORDER BY lot_code, lane;

-- name: GetLaneHold :one
SELECT * FROM lane_holds WHERE lot_code = $1 AND lane = $2;

-- name: InsertReservation :exec
INSERT INTO reservations (id, partner_id, lot_code, order_no, kind, plate, plate_key, mobile, user_name,
                          valid_from, valid_to, prepaid, may_enter, may_exit, state, stay_id, terminated_at,
                          created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19);

-- name: GetReservation :one
SELECT * FROM reservations WHERE id = $1;

-- name: FindReservation :one
SELECT * FROM reservations WHERE partner_id = $1 AND lot_code = $2 AND order_no = $3;

-- name: StayReservations :many
SELECT * FROM reservations WHERE stay_id = $1 AND stay_id <> ''
ORDER BY valid_from, id LIMIT 100;

-- name: BookedReservations :many
SELECT * FROM reservations WHERE lot_code = $1 AND plate_key = $2 AND state = 'booked' AND valid_to > $3
ORDER BY valid_from, id LIMIT 100;

-- name: ListReservationsByPlate :many
SELECT * FROM reservations WHERE partner_id = $1 AND lot_code = $2 AND plate_key = $3
ORDER BY valid_from DESC, id DESC LIMIT $4;

-- name: ListReservationsByMobile :many
SELECT * FROM reservations WHERE partner_id = $1 AND lot_code = $2 AND mobile = $3 AND mobile <> ''
ORDER BY valid_from DESC, id DESC LIMIT $4;

-- name: LotReservations :many
SELECT * FROM reservations
WHERE lot_code = sqlc.arg(lot_code) AND valid_from < sqlc.arg(from_before)
  AND valid_to > sqlc.arg(to_after) AND valid_to <= sqlc.arg(to_by)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state)::text)
  AND (sqlc.arg(plate_key)::text = '' OR plate_key = sqlc.arg(plate_key)::text)
ORDER BY valid_from DESC, id DESC LIMIT sqlc.arg(lim);

-- name: UpdateReservation :execrows
UPDATE reservations
SET kind = $1, plate = $2, plate_key = $3, mobile = $4, user_name = $5, valid_from = $6, valid_to = $7,
    prepaid = $8, may_enter = $9, may_exit = $10, state = $11, stay_id = $12, terminated_at = $13,
    updated_at = $14, version = version + 1
WHERE id = $15 AND version = $16;
