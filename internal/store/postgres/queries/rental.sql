-- name: InsertRentalStore :exec
INSERT INTO rental_stores (code, lot_code, body, updated_at) VALUES ($1, $2, $3, $4);

-- name: UpdateRentalStore :execrows
UPDATE rental_stores SET lot_code = $1, body = $2, updated_at = $3, version = version + 1 WHERE code = $4 AND version = $5;

-- name: GetRentalStore :one
SELECT * FROM rental_stores WHERE code = $1;

-- name: ListRentalStores :many
SELECT * FROM rental_stores ORDER BY code;

-- name: InsertRentalModel :exec
INSERT INTO rental_models (code, body, updated_at) VALUES ($1, $2, $3);

-- name: UpdateRentalModel :execrows
UPDATE rental_models SET body = $1, updated_at = $2, version = version + 1 WHERE code = $3 AND version = $4;

-- name: GetRentalModel :one
SELECT * FROM rental_models WHERE code = $1;

-- name: ListRentalModels :many
SELECT * FROM rental_models ORDER BY code;

-- name: InsertStoreModel :exec
INSERT INTO rental_store_models (store_code, model_code, body, updated_at) VALUES ($1, $2, $3, $4);

-- name: UpdateStoreModel :execrows
UPDATE rental_store_models SET body = $1, updated_at = $2, version = version + 1
WHERE store_code = $3 AND model_code = $4 AND version = $5;

-- name: GetStoreModel :one
SELECT * FROM rental_store_models WHERE store_code = $1 AND model_code = $2;

-- name: ListStoreModels :many
SELECT * FROM rental_store_models WHERE sqlc.arg(store_code)::text = '' OR store_code = sqlc.arg(store_code)::text
ORDER BY store_code, model_code;

-- name: InsertRentalVehicle :exec
INSERT INTO rental_vehicles (plate_key, vin, store_code, model_code, body, updated_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: UpdateRentalVehicle :execrows
UPDATE rental_vehicles SET vin = $1, store_code = $2, model_code = $3, body = $4, updated_at = $5, version = version + 1
WHERE plate_key = $6 AND version = $7;

-- name: GetRentalVehicle :one
SELECT * FROM rental_vehicles WHERE plate_key = $1;

-- name: ListRentalVehicles :many
SELECT * FROM rental_vehicles WHERE sqlc.arg(store_code)::text = '' OR store_code = sqlc.arg(store_code)::text
ORDER BY plate_key;

-- name: InsertRentalChannel :exec
INSERT INTO rental_channels (id, body, updated_at) VALUES ($1, $2, $3);

-- name: UpdateRentalChannel :execrows
UPDATE rental_channels SET body = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4;

-- name: GetRentalChannel :one
SELECT * FROM rental_channels WHERE id = $1;

-- name: ListRentalChannels :many
SELECT * FROM rental_channels ORDER BY id;

-- name: ClearChannelStores :exec
DELETE FROM rental_channel_stores WHERE channel_id = $1;

-- name: AddChannelStore :exec
INSERT INTO rental_channel_stores (channel_id, store_code) VALUES ($1, $2);

-- name: ChannelsSelling :many
SELECT channel_id FROM rental_channel_stores WHERE store_code = $1 ORDER BY channel_id;

-- EnqueueTo makes one pending delivery of a report for one named
-- subscription (none when it does not exist).
-- name: EnqueueToSubscription :execrows
INSERT INTO deliveries (id, subscription_id, report_id, partner_id, report, lot_code, key, after_key, state, next_at, created_at)
SELECT sqlc.arg(report_id)::text || ':' || s.id, s.id, sqlc.arg(report_id)::text, s.partner_id, s.report,
       sqlc.arg(lot_code)::text, sqlc.arg(key)::text, sqlc.arg(after_key)::text, 'pending', sqlc.arg(at)::timestamptz,
       sqlc.arg(at)::timestamptz
FROM subscriptions s
WHERE s.id = sqlc.arg(subscription_id) AND NOT s.deleted;


-- name: SetChannelPartner :execrows
UPDATE partners SET name = $1, secret = $2, sign_mode = $3, updated_at = $4, version = version + 1 WHERE id = $5;

-- name: ClearPartnerLots :exec
DELETE FROM partner_lots WHERE partner_id = $1;
