-- name: InsertStay :exec
INSERT INTO stays (id, lot_code, plate, plate_key, vehicle_class, locator, entry_at, entry_lane, exit_at,
                   exit_lane, state, pass_id, total, paid, discount, paid_until, anomaly, source, updated_at,
                   reservation_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20);

-- name: GetStay :one
SELECT * FROM stays WHERE id = $1;

-- name: GetStayByLocator :one
SELECT * FROM stays WHERE lot_code = $1 AND locator = $2;

-- name: FindInside :one
SELECT * FROM stays WHERE lot_code = $1 AND plate_key = $2 AND state = 'in';

-- name: UpdateStay :execrows
UPDATE stays
SET plate = $1, plate_key = $2, vehicle_class = $3, exit_at = $4, exit_lane = $5, state = $6, pass_id = $7,
    total = $8, paid = $9, discount = $10, paid_until = $11, anomaly = $12, updated_at = $13, kept_free = $16,
    pass_from = $17, reservation_id = $18, version = version + 1
WHERE id = $14 AND version = $15;

-- name: UpdateStayQueued :exec
-- UpdateStay as a statement that fails (stale_row) when the stay is not
-- at its version, so that it needs no answer and may wait for the commit.
WITH changed AS (
    UPDATE stays
    SET plate = $1, plate_key = $2, vehicle_class = $3, exit_at = $4, exit_lane = $5, state = $6, pass_id = $7,
        total = $8, paid = $9, discount = $10, paid_until = $11, anomaly = $12, updated_at = $13, kept_free = $16,
        pass_from = $17, reservation_id = $18, version = version + 1
    WHERE id = $14 AND version = $15
    RETURNING 1
)
SELECT stale_row(count(*)) FROM changed;

-- name: ListStays :many
SELECT * FROM stays WHERE lot_code = $1 AND id > $2 ORDER BY id LIMIT $3;

-- name: ListStaysByState :many
SELECT * FROM stays WHERE lot_code = $1 AND state = $2 AND id > $3 ORDER BY id LIMIT $4;

-- name: ListStaysByPlate :many
SELECT * FROM stays WHERE lot_code = $1 AND plate_key = $2 AND id > $3 ORDER BY id LIMIT $4;

-- name: CountInsideForPass :one
SELECT COUNT(*) FROM stays WHERE pass_id = $1 AND state = 'in';

-- name: GetEvent :one
SELECT * FROM events WHERE lot_code = $1 AND id = $2;

-- name: LatestLaneEvent :one
-- The latest event of a lane by the time its car passed (the car at it):
-- an offline record replayed late goes at its time, not last. The lot's
-- events received since (events_lot_received) bound the walk.
SELECT * FROM events WHERE lot_code = sqlc.arg(lot_code) AND received_at >= sqlc.arg(since) AND lane = sqlc.arg(lane)
ORDER BY at DESC, received_at DESC, id DESC LIMIT 1;

-- name: InsertEvent :exec
INSERT INTO events (lot_code, id, type, plate, lane, at, image_url, plate_color, vehicle_class, decision, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: InsertAnomaly :exec
INSERT INTO anomalies (id, lot_code, kind, plate, stay_id, event_id, at, detail, image_url)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- A stay's, by the lot's time index: the window bounds the scan.
-- name: ListStayAnomalies :many
SELECT * FROM anomalies
WHERE lot_code = sqlc.arg(lot_code) AND at >= sqlc.arg(from_at) AND at <= sqlc.arg(to_at) AND stay_id = sqlc.arg(stay_id)
ORDER BY at, id LIMIT sqlc.arg(lim);

-- name: GetAnomaly :one
SELECT * FROM anomalies WHERE id = sqlc.arg(id) AND lot_code = sqlc.arg(lot_code);

-- A lot's newest, by its time index; ties on the time by id, the higher
-- (recorded later) first, so that a page's last one places the next.
-- name: ListAnomalies :many
SELECT * FROM anomalies WHERE lot_code = sqlc.arg(lot_code) ORDER BY at DESC, id DESC LIMIT sqlc.arg(lim);

-- Those after one (before_at, before_id) in that order: the time bound
-- starts the index scan at the cursor, not at the newest.
-- name: ListAnomaliesBefore :many
SELECT * FROM anomalies
WHERE lot_code = sqlc.arg(lot_code) AND at <= sqlc.arg(before_at)
  AND (at < sqlc.arg(before_at) OR id < sqlc.arg(before_id))
ORDER BY at DESC, id DESC LIMIT sqlc.arg(lim);

-- A plate's of one kind after a time, oldest first, by anomalies_plate:
-- other plates' rows are not read.
-- name: ListPlateAnomalies :many
SELECT * FROM anomalies
WHERE lot_code = sqlc.arg(lot_code) AND plate = sqlc.arg(plate) AND kind = sqlc.arg(kind) AND at > sqlc.arg(after_at)
ORDER BY at, id LIMIT sqlc.arg(lim);

-- name: ListPartnerInside :many
-- The open stays of a plate key in the lots a partner is registered for,
-- newest entry first: one probe of stays_inside per lot of the partner,
-- inside the one statement. An index of plates inside across lots would
-- make it one probe, at the cost of one more index written by every
-- entry and exit.
SELECT stays.* FROM partner_lots
JOIN stays ON stays.lot_code = partner_lots.lot_code AND stays.plate_key = sqlc.arg(plate_key) AND stays.state = 'in'
WHERE partner_lots.partner_id = sqlc.arg(partner_id)
ORDER BY stays.entry_at DESC, stays.lot_code;

-- name: ListPartnerStaysByLocator :many
-- The stays, open or closed, with a ticket number in the lots a partner
-- is registered for, newest entry first (stays_locator per lot).
SELECT stays.* FROM partner_lots
JOIN stays ON stays.lot_code = partner_lots.lot_code AND stays.locator = sqlc.arg(locator)
WHERE partner_lots.partner_id = sqlc.arg(partner_id)
ORDER BY stays.entry_at DESC, stays.lot_code;
