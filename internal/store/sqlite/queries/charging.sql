-- name: InsertCharger :exec
INSERT INTO chargers (id, lot_code, password_hash, data, seen_online) VALUES (?, ?, ?, ?, ?);

-- name: GetCharger :one
SELECT * FROM chargers WHERE id = ?;

-- name: UpdateCharger :execrows
UPDATE chargers SET lot_code = ?, password_hash = ?, data = ?, seen_online = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: ListChargers :many
SELECT * FROM chargers
WHERE CAST(sqlc.arg(lot_code) AS TEXT) = '' OR lot_code = CAST(sqlc.arg(lot_code) AS TEXT)
ORDER BY id;

-- name: ListSilentChargers :many
SELECT * FROM chargers
WHERE seen_online < sqlc.arg(before) AND id > sqlc.arg(after_id)
ORDER BY id LIMIT sqlc.arg(lim);

-- name: NextPriceStandardID :one
SELECT CAST(COALESCE(MAX(id), 0) + 1 AS INTEGER) FROM price_standards;

-- name: InsertPriceStandard :exec
INSERT INTO price_standards (id, name, family, data) VALUES (?, ?, ?, ?);

-- name: GetPriceStandard :one
SELECT * FROM price_standards WHERE id = ?;

-- name: UpdatePriceStandard :execrows
UPDATE price_standards SET name = ?, family = ?, data = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: KeepPriceStandardVersion :exec
INSERT INTO price_standard_versions (id, version, data)
SELECT s.id, s.version, s.data FROM price_standards s WHERE s.id = ?
ON CONFLICT DO NOTHING;

-- name: GetPriceStandardVersion :one
SELECT data FROM price_standard_versions WHERE id = ? AND version = ?;

-- name: DeletePriceStandardVersions :exec
DELETE FROM price_standard_versions WHERE id = ?;

-- name: DeletePriceStandard :execrows
DELETE FROM price_standards WHERE id = ?;

-- name: ListPriceStandards :many
SELECT * FROM price_standards
WHERE id > sqlc.arg(after_id)
  AND (CAST(sqlc.arg(name) AS TEXT) = '' OR name = CAST(sqlc.arg(name) AS TEXT))
  AND (CAST(sqlc.arg(family) AS INTEGER) < 0 OR family = CAST(sqlc.arg(family) AS INTEGER))
ORDER BY id LIMIT sqlc.arg(lim);

-- name: CountPriceStandards :one
SELECT COUNT(*) FROM price_standards
WHERE (CAST(sqlc.arg(name) AS TEXT) = '' OR name = CAST(sqlc.arg(name) AS TEXT))
  AND (CAST(sqlc.arg(family) AS INTEGER) < 0 OR family = CAST(sqlc.arg(family) AS INTEGER));

-- name: InsertChargeSession :exec
INSERT INTO charge_sessions (id, charger_id, connector, transaction_id, status, partner_id, updated_at, data, lot_code, plate_key, outcome)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetChargeSession :one
SELECT * FROM charge_sessions WHERE id = ?;

-- name: GetChargeSessionByTransaction :one
SELECT * FROM charge_sessions WHERE charger_id = ? AND transaction_id = ? AND transaction_id <> 0;

-- name: OpenChargeSession :one
SELECT * FROM charge_sessions
WHERE charger_id = ? AND connector = ? AND status IN ('pending', 'charging');

-- name: UpdateChargeSession :execrows
UPDATE charge_sessions
SET transaction_id = ?, status = ?, updated_at = ?, data = ?, outcome = ?, version = version + 1
WHERE id = ? AND version = ?;

-- UpdateChargeSessionValues is UpdateChargeSession for a session whose
-- transaction and status stay as they are, as at every meter reading: the
-- indexes on them are not rewritten (see UpdateStayKeepPlate).
-- name: UpdateChargeSessionValues :execrows
UPDATE charge_sessions
SET updated_at = ?, data = ?, outcome = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: ListChargeSessions :many
SELECT * FROM charge_sessions
WHERE (CAST(sqlc.arg(charger_id) AS TEXT) = '' OR charger_id = CAST(sqlc.arg(charger_id) AS TEXT))
  AND (CAST(sqlc.arg(partner_id) AS TEXT) = '' OR partner_id = CAST(sqlc.arg(partner_id) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(outcome) AS TEXT) = '' OR outcome = CAST(sqlc.arg(outcome) AS TEXT))
  AND updated_at >= sqlc.arg(updated_from) AND updated_at < sqlc.arg(updated_to)
  AND (updated_at > sqlc.arg(after_updated) OR (updated_at = sqlc.arg(after_updated) AND id > sqlc.arg(after_id)))
ORDER BY updated_at, id LIMIT sqlc.arg(lim);

-- name: CountChargeSessions :one
SELECT COUNT(*) FROM charge_sessions
WHERE (CAST(sqlc.arg(charger_id) AS TEXT) = '' OR charger_id = CAST(sqlc.arg(charger_id) AS TEXT))
  AND (CAST(sqlc.arg(partner_id) AS TEXT) = '' OR partner_id = CAST(sqlc.arg(partner_id) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(outcome) AS TEXT) = '' OR outcome = CAST(sqlc.arg(outcome) AS TEXT))
  AND updated_at >= sqlc.arg(updated_from) AND updated_at < sqlc.arg(updated_to);

-- name: LatestChargeSessions :many
SELECT * FROM charge_sessions
WHERE charger_id = ?
ORDER BY updated_at DESC, id DESC LIMIT ?;

-- name: LatestChargeSessionsOfLot :many
-- Each charger's newest lim through charge_sessions_charger, read from
-- its end: a charger's older sessions are never read.
SELECT s.* FROM chargers c
JOIN charge_sessions s ON s.id IN (
    SELECT x.id FROM charge_sessions x WHERE x.charger_id = c.id
    ORDER BY x.updated_at DESC, x.id DESC LIMIT sqlc.arg(lim))
WHERE c.lot_code = sqlc.arg(lot_code)
ORDER BY c.id, s.updated_at DESC, s.id DESC;

-- name: ChargeSessionsOfPlate :many
SELECT * FROM charge_sessions
WHERE lot_code = ? AND plate_key = ? AND plate_key <> ''
ORDER BY updated_at DESC LIMIT ?;

-- name: LastReadingsChunk :one
SELECT chunk, n FROM charge_readings WHERE session_id = ? ORDER BY chunk DESC LIMIT 1;

-- name: AppendReadings :exec
UPDATE charge_readings SET n = n + sqlc.arg(n), readings = readings || sqlc.arg(readings)
WHERE session_id = sqlc.arg(session_id) AND chunk = sqlc.arg(chunk);

-- name: InsertReadingsChunk :exec
INSERT INTO charge_readings (session_id, chunk, n, readings) VALUES (?, ?, ?, ?);

-- name: ChargeReadings :many
SELECT readings FROM charge_readings WHERE session_id = ? ORDER BY chunk;

-- The readings of a page of sessions, in one statement; ids is a JSON
-- array (a list bound as one parameter).
-- name: ChargeReadingsOfSessions :many
SELECT session_id, readings FROM charge_readings
WHERE session_id IN (SELECT value FROM json_each(CAST(sqlc.arg(ids) AS TEXT)))
ORDER BY session_id, chunk;
