-- name: InsertStay :exec
INSERT INTO stays (id, lot_code, plate, plate_key, vehicle_class, locator, entry_at, entry_lane, exit_at,
                   exit_lane, state, pass_id, total, paid, discount, paid_until, anomaly, source, updated_at,
                   reservation_id, ticket)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetStay :one
SELECT * FROM stays WHERE id = ?;

-- A ticket enciphered from a sequence number is found by its number
-- (stays_ticket); any other by itself (stays_locator, which holds only
-- those). tickets.go deciphers.

-- name: GetStayByLocator :one
SELECT * FROM stays WHERE lot_code = ? AND locator = ? AND ticket IS NULL;

-- name: GetStayByTicket :one
SELECT * FROM stays WHERE ticket = ? AND lot_code = ? AND locator = ?;

-- name: TicketTaken :one
SELECT EXISTS (SELECT 1 FROM stays WHERE lot_code = ? AND locator = ? AND ticket IS NULL);

-- name: LastTicket :one
SELECT CAST(coalesce(max(ticket), -1) AS INTEGER) FROM stays WHERE ticket IS NOT NULL;

-- name: FindInside :one
SELECT * FROM stays WHERE lot_code = ? AND plate_key = ? AND state = 'in';

-- name: UpdateStay :execrows
UPDATE stays
SET plate = ?, plate_key = ?, vehicle_class = ?, exit_at = ?, exit_lane = ?, state = ?, pass_id = ?,
    total = ?, paid = ?, discount = ?, paid_until = ?, anomaly = ?, updated_at = ?, kept_free = ?, pass_from = ?,
    reservation_id = ?, version = version + 1
WHERE id = ? AND version = ?;

-- SQLite rewrites an index entry whenever an UPDATE's SET lists one of
-- the index's columns, changed or not: a random page of stays_lot_plate at
-- every exit, and of five indexes at every payment. The store lists the
-- indexed columns only when they change (memo.go, stayKeys).

-- name: UpdateStayKeepPlate :execrows
UPDATE stays
SET plate = ?, vehicle_class = ?, exit_at = ?, exit_lane = ?, state = ?, pass_id = ?,
    total = ?, paid = ?, discount = ?, paid_until = ?, anomaly = ?, updated_at = ?, kept_free = ?, pass_from = ?,
    reservation_id = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: UpdateStayValues :execrows
UPDATE stays
SET plate = ?, vehicle_class = ?, exit_lane = ?,
    total = ?, paid = ?, discount = ?, paid_until = ?, anomaly = ?, updated_at = ?, kept_free = ?, pass_from = ?,
    reservation_id = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: ListStays :many
SELECT * FROM stays WHERE lot_code = ? AND id > ? ORDER BY id LIMIT ?;

-- name: ListStaysByState :many
SELECT * FROM stays WHERE lot_code = ? AND state = ? AND id > ? ORDER BY id LIMIT ?;

-- name: ListStaysByPlate :many
SELECT * FROM stays WHERE lot_code = ? AND plate_key = ? AND id > ? ORDER BY id LIMIT ?;

-- name: CountInsideForPass :one
SELECT COUNT(*) FROM stays WHERE pass_id = ? AND state = 'in';

-- name: GetEvent :one
SELECT * FROM events WHERE lot_code = ? AND id = ?;

-- name: LatestLaneEvent :one
-- The latest event of a lane by the time its car passed (the car at it):
-- an offline record replayed late goes at its time, not last. The lot's
-- events received since (events_lot_received) bound the walk.
SELECT * FROM events WHERE lot_code = sqlc.arg(lot_code) AND received_at >= sqlc.arg(since) AND lane = sqlc.arg(lane)
ORDER BY at DESC, received_at DESC, id DESC LIMIT 1;

-- name: InsertEvent :exec
INSERT INTO events (lot_code, id, type, plate, lane, at, image_url, plate_color, vehicle_class, decision, received_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: InsertAnomaly :exec
INSERT INTO anomalies (id, lot_code, kind, plate, stay_id, event_id, at, detail, image_url)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);

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
JOIN stays ON stays.lot_code = partner_lots.lot_code AND stays.locator = sqlc.arg(locator) AND stays.ticket IS NULL
WHERE partner_lots.partner_id = sqlc.arg(partner_id)
ORDER BY stays.entry_at DESC, stays.lot_code;

-- name: GetPartnerStayByTicket :one
SELECT stays.* FROM stays
JOIN partner_lots ON partner_lots.lot_code = stays.lot_code AND partner_lots.partner_id = sqlc.arg(partner_id)
WHERE stays.ticket = sqlc.arg(ticket) AND stays.locator = sqlc.arg(locator);

-- name: TicketKey :one
SELECT key FROM ticket_keys WHERE id = 1;

-- name: SaveTicketKey :exec
INSERT INTO ticket_keys (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING;
