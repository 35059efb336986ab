-- name: CreateLot :exec
INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds,
                  sandbox, missed_entry, tariff, tariff_version, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: GetLot :one
SELECT sqlc.embed(lots),
       GREATEST(0, (SELECT COALESCE(SUM(c.occupied), 0) FROM lot_counts c WHERE c.lot_code = lots.code))::bigint AS occupied
FROM lots WHERE code = $1;

-- GetLotSettings reads, beside the settings, what a gate event asks next:
-- the count of cars inside (as CountInside) and the kinds of report
-- anyone subscribed to for the lot (as Subscribed).
-- name: GetLotSettings :one
SELECT sqlc.embed(lots),
       GREATEST(0, (SELECT COALESCE(SUM(c.occupied), 0) FROM lot_counts c WHERE c.lot_code = lots.code))::bigint AS occupied,
       ARRAY(SELECT DISTINCT s.report FROM partner_lots pl JOIN subscriptions s ON s.partner_id = pl.partner_id
             WHERE pl.lot_code = lots.code AND NOT s.deleted)::text[] AS subscribed
FROM lots WHERE code = $1;

-- LotAndPlate is GetLotSettings with PlateRecords' probes of one plate
-- in the lot and FindInside's row (the plate's open stay, stay_id NULL
-- when it has none): what a gate event and a quote read first, in one
-- statement. Its stay columns are FindInside's, NULL-safe: a stays row
-- joined by nothing reads as NULLs, which the stay's NOT NULL columns
-- cannot hold. Listed by hand: TestLotAndPlateStayColumns fails when a
-- column of stays is not.
-- name: LotAndPlate :one
SELECT sqlc.embed(lots),
       GREATEST(0, (SELECT COALESCE(SUM(c.occupied), 0) FROM lot_counts c WHERE c.lot_code = lots.code))::bigint AS occupied,
       ARRAY(SELECT DISTINCT s.report FROM partner_lots pl JOIN subscriptions s ON s.partner_id = pl.partner_id
             WHERE pl.lot_code = lots.code AND NOT s.deleted)::text[] AS subscribed,
       EXISTS (SELECT 1 FROM whitelist w WHERE w.lot_code = sqlc.arg(code) AND w.plate_key = sqlc.arg(plate_key)) AS listed,
       EXISTS (SELECT 1 FROM pass_plates p WHERE p.lot_code = sqlc.arg(code) AND p.plate_key = sqlc.arg(plate_key)) AS pass,
       EXISTS (SELECT 1 FROM reservations r WHERE r.lot_code = sqlc.arg(code) AND r.plate_key = sqlc.arg(plate_key)
                                             AND r.state = 'booked') AS reserved,
       EXISTS (SELECT 1 FROM locks l WHERE l.lot_code = sqlc.arg(code) AND l.plate_key = sqlc.arg(plate_key)) AS locked,
       EXISTS (SELECT 1 FROM coupons c WHERE c.lot_code = sqlc.arg(code) AND c.plate_key = sqlc.arg(plate_key)) AS coupons,
       EXISTS (SELECT 1 FROM rental_orders o WHERE o.plate_key = sqlc.arg(plate_key)
                                               AND o.status IN ('awaiting_pickup', 'in_use')) AS rented,
       i.id AS stay_id, COALESCE(i.lot_code, '') AS stay_lot_code, COALESCE(i.plate, '') AS stay_plate,
       COALESCE(i.plate_key, '') AS stay_plate_key, COALESCE(i.vehicle_class, '') AS stay_vehicle_class,
       COALESCE(i.locator, '') AS stay_locator, i.entry_at AS stay_entry_at, COALESCE(i.entry_lane, '') AS stay_entry_lane,
       i.exit_at AS stay_exit_at, COALESCE(i.exit_lane, '') AS stay_exit_lane, COALESCE(i.state, '') AS stay_state,
       COALESCE(i.pass_id, '') AS stay_pass_id, COALESCE(i.total, 0)::bigint AS stay_total,
       COALESCE(i.paid, 0)::bigint AS stay_paid, COALESCE(i.discount, 0)::bigint AS stay_discount,
       i.paid_until AS stay_paid_until, COALESCE(i.anomaly, '') AS stay_anomaly, COALESCE(i.source, '') AS stay_source,
       i.updated_at AS stay_updated_at, COALESCE(i.version, 0)::bigint AS stay_version,
       COALESCE(i.reservation_id, '') AS stay_reservation_id, COALESCE(i.kept_free, '') AS stay_kept_free,
       i.pass_from AS stay_pass_from, i.ticket AS stay_ticket
FROM lots LEFT JOIN stays i ON i.lot_code = lots.code AND i.plate_key = sqlc.arg(plate_key) AND i.state = 'in'
WHERE lots.code = sqlc.arg(code);

-- name: CountInside :one
SELECT GREATEST(0, COALESCE(SUM(occupied), 0))::bigint AS occupied FROM lot_counts WHERE lot_code = $1;

-- name: ListLots :many
SELECT sqlc.embed(lots),
       GREATEST(0, (SELECT COALESCE(SUM(c.occupied), 0) FROM lot_counts c WHERE c.lot_code = lots.code))::bigint AS occupied
FROM lots ORDER BY code;

-- name: UpdateLot :execrows
UPDATE lots
SET name = $1, timezone = $2, currency = $3, capacity = $4, exit_grace_minutes = $5, quote_ttl_seconds = $6,
    sandbox = $7, missed_entry = $8, tariff = $9, tariff_version = $10, updated_at = $11, version = version + 1
WHERE code = $12 AND version = $13;

-- AddOccupied adds to a count shard of the lot that no other transaction
-- holds, if there is one, without waiting; else to the shard given,
-- created if needed, waiting for it. The update in WITH runs whether or
-- not the insert reads it.
-- name: AddOccupied :exec
WITH unlocked AS (
    UPDATE lot_counts SET occupied = occupied + sqlc.arg(delta)::bigint
    WHERE (lot_code, shard) IN (
        SELECT c.lot_code, c.shard FROM lot_counts c WHERE c.lot_code = sqlc.arg(code)
        LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING 1
)
INSERT INTO lot_counts (lot_code, shard, occupied)
SELECT sqlc.arg(code), sqlc.arg(shard), sqlc.arg(delta)::bigint
WHERE NOT EXISTS (SELECT 1 FROM unlocked)
ON CONFLICT (lot_code, shard) DO UPDATE SET occupied = lot_counts.occupied + excluded.occupied;

-- name: GetLane :one
SELECT * FROM lanes WHERE lot_code = $1 AND id = $2;

-- name: CreateLane :exec
INSERT INTO lanes (lot_code, id, direction, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (lot_code, id) DO NOTHING;

-- name: Serialize :exec
-- A transaction-scoped advisory lock on a key's 64-bit hash.
SELECT pg_advisory_xact_lock(hashtextextended(sqlc.arg(key)::text, 0));
