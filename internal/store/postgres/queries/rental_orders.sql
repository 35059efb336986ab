-- name: InsertRentalOrder :exec
INSERT INTO rental_orders (id, channel_id, channel_order_id, plate_key, status, pickup_at, body, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: UpdateRentalOrder :execrows
UPDATE rental_orders SET plate_key = $1, status = $2, pickup_at = $3, body = $4, updated_at = $5, version = version + 1
WHERE id = $6 AND version = $7;

-- name: GetRentalOrder :one
SELECT * FROM rental_orders WHERE id = $1;

-- name: GetChannelOrder :one
SELECT * FROM rental_orders WHERE channel_id = $1 AND channel_order_id = $2 AND channel_order_id <> '';

-- name: VehicleOrders :many
SELECT * FROM rental_orders WHERE plate_key = $1 AND status IN ('awaiting_pickup', 'in_use') ORDER BY pickup_at, id;
