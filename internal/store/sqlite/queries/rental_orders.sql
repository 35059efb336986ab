-- name: InsertRentalOrder :exec
INSERT INTO rental_orders (id, channel_id, channel_order_id, plate_key, status, pickup_at, body, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: UpdateRentalOrder :execrows
UPDATE rental_orders SET plate_key = ?, status = ?, pickup_at = ?, body = ?, updated_at = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: GetRentalOrder :one
SELECT * FROM rental_orders WHERE id = ?;

-- name: GetChannelOrder :one
SELECT * FROM rental_orders WHERE channel_id = ? AND channel_order_id = ? AND channel_order_id <> '';

-- name: VehicleOrders :many
SELECT * FROM rental_orders WHERE plate_key = ? AND status IN ('awaiting_pickup', 'in_use') ORDER BY pickup_at, id;
