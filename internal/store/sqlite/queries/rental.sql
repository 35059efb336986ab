-- name: InsertRentalStore :exec
INSERT INTO rental_stores (code, lot_code, body, updated_at) VALUES (?, ?, ?, ?);

-- name: UpdateRentalStore :execrows
UPDATE rental_stores SET lot_code = ?, body = ?, updated_at = ?, version = version + 1 WHERE code = ? AND version = ?;

-- name: GetRentalStore :one
SELECT * FROM rental_stores WHERE code = ?;

-- name: ListRentalStores :many
SELECT * FROM rental_stores ORDER BY code;

-- name: InsertRentalModel :exec
INSERT INTO rental_models (code, body, updated_at) VALUES (?, ?, ?);

-- name: UpdateRentalModel :execrows
UPDATE rental_models SET body = ?, updated_at = ?, version = version + 1 WHERE code = ? AND version = ?;

-- name: GetRentalModel :one
SELECT * FROM rental_models WHERE code = ?;

-- name: ListRentalModels :many
SELECT * FROM rental_models ORDER BY code;

-- name: InsertStoreModel :exec
INSERT INTO rental_store_models (store_code, model_code, body, updated_at) VALUES (?, ?, ?, ?);

-- name: UpdateStoreModel :execrows
UPDATE rental_store_models SET body = ?, updated_at = ?, version = version + 1
WHERE store_code = ? AND model_code = ? AND version = ?;

-- name: GetStoreModel :one
SELECT * FROM rental_store_models WHERE store_code = ? AND model_code = ?;

-- name: ListStoreModels :many
SELECT * FROM rental_store_models WHERE sqlc.arg(store_code) = '' OR store_code = sqlc.arg(store_code)
ORDER BY store_code, model_code;

-- name: InsertRentalVehicle :exec
INSERT INTO rental_vehicles (plate_key, vin, store_code, model_code, body, updated_at) VALUES (?, ?, ?, ?, ?, ?);

-- name: UpdateRentalVehicle :execrows
UPDATE rental_vehicles SET vin = ?, store_code = ?, model_code = ?, body = ?, updated_at = ?, version = version + 1
WHERE plate_key = ? AND version = ?;

-- name: GetRentalVehicle :one
SELECT * FROM rental_vehicles WHERE plate_key = ?;

-- name: ListRentalVehicles :many
SELECT * FROM rental_vehicles WHERE sqlc.arg(store_code) = '' OR store_code = sqlc.arg(store_code)
ORDER BY plate_key;

-- name: InsertRentalChannel :exec
INSERT INTO rental_channels (id, body, updated_at) VALUES (?, ?, ?);

-- name: UpdateRentalChannel :execrows
UPDATE rental_channels SET body = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?;

-- name: GetRentalChannel :one
SELECT * FROM rental_channels WHERE id = ?;

-- name: ListRentalChannels :many
SELECT * FROM rental_channels ORDER BY id;

-- name: ClearChannelStores :exec
DELETE FROM rental_channel_stores WHERE channel_id = ?;

-- name: AddChannelStore :exec
INSERT INTO rental_channel_stores (channel_id, store_code) VALUES (?, ?);

-- name: ChannelsSelling :many
SELECT channel_id FROM rental_channel_stores WHERE store_code = ? ORDER BY channel_id;

-- EnqueueTo makes one pending delivery of a report for one named
-- subscription (none when it does not exist).
-- name: EnqueueToSubscription :execrows
INSERT INTO deliveries (id, subscription_id, report_id, partner_id, report, lot_code, key, after_key, state, next_at, created_at)
SELECT CAST(sqlc.arg(report_id) AS TEXT) || ':' || s.id, s.id, sqlc.arg(report_id), s.partner_id, s.report,
       CAST(sqlc.arg(lot_code) AS TEXT), CAST(sqlc.arg(key) AS TEXT), CAST(sqlc.arg(after_key) AS TEXT), 'pending', CAST(sqlc.arg(at) AS INTEGER),
       CAST(sqlc.arg(at) AS INTEGER)
FROM subscriptions s
WHERE s.id = sqlc.arg(subscription_id) AND s.deleted = 0;


-- name: SetChannelPartner :execrows
UPDATE partners SET name = ?, secret = ?, sign_mode = ?, updated_at = ?, version = version + 1 WHERE id = ?;

-- name: ClearPartnerLots :exec
DELETE FROM partner_lots WHERE partner_id = ?;
