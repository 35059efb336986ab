-- name: InsertCharger :exec
INSERT INTO chargers (id, lot_code, password_hash, data, seen_online) VALUES ($1, $2, $3, $4, $5);

-- name: GetCharger :one
SELECT * FROM chargers WHERE id = $1;

-- name: UpdateCharger :execrows
UPDATE chargers SET lot_code = $1, password_hash = $2, data = $3, seen_online = $4, version = version + 1
WHERE id = $5 AND version = $6;

-- name: ListChargers :many
SELECT * FROM chargers
WHERE sqlc.arg(lot_code)::text = '' OR lot_code = sqlc.arg(lot_code)::text
ORDER BY id;

-- name: ListSilentChargers :many
SELECT * FROM chargers
WHERE seen_online < sqlc.arg(before) AND id > sqlc.arg(after_id)
ORDER BY id LIMIT sqlc.arg(lim);

-- name: NextPriceStandardID :one
SELECT (COALESCE(MAX(id), 0) + 1)::bigint FROM price_standards;

-- name: InsertPriceStandard :exec
INSERT INTO price_standards (id, name, family, data) VALUES ($1, $2, $3, $4);

-- name: GetPriceStandard :one
SELECT * FROM price_standards WHERE id = $1;

-- name: UpdatePriceStandard :execrows
UPDATE price_standards SET name = $1, family = $2, data = $3, version = version + 1
WHERE id = $4 AND version = $5;

-- name: KeepPriceStandardVersion :exec
INSERT INTO price_standard_versions (id, version, data)
SELECT s.id, s.version, s.data FROM price_standards s WHERE s.id = $1
ON CONFLICT DO NOTHING;

-- name: GetPriceStandardVersion :one
SELECT data FROM price_standard_versions WHERE id = $1 AND version = $2;

-- name: DeletePriceStandardVersions :exec
DELETE FROM price_standard_versions WHERE id = $1;

-- name: DeletePriceStandard :execrows
DELETE FROM price_standards WHERE id = $1;

-- name: ListPriceStandards :many
SELECT * FROM price_standards
WHERE id > sqlc.arg(after_id)::bigint
  AND (sqlc.arg(name)::text = '' OR name = sqlc.arg(name)::text)
  AND (sqlc.arg(family)::int < 0 OR family = sqlc.arg(family)::int)
ORDER BY id LIMIT sqlc.arg(lim)::int;

-- name: CountPriceStandards :one
SELECT COUNT(*) FROM price_standards
WHERE (sqlc.arg(name)::text = '' OR name = sqlc.arg(name)::text)
  AND (sqlc.arg(family)::int < 0 OR family = sqlc.arg(family)::int);

-- name: InsertChargeSession :exec
INSERT INTO charge_sessions (id, charger_id, connector, transaction_id, status, partner_id, updated_at, data, lot_code, plate_key, outcome)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- A session read alone comes with its readings' chunks, in one round trip.

-- name: GetChargeSession :one
SELECT sqlc.embed(s), coalesce((SELECT array_agg(c.readings ORDER BY c.chunk) FROM charge_readings c WHERE c.session_id = s.id),
                               '{}')::text[] AS readings
FROM charge_sessions s WHERE s.id = $1;

-- name: GetChargeSessionByTransaction :one
SELECT sqlc.embed(s), coalesce((SELECT array_agg(c.readings ORDER BY c.chunk) FROM charge_readings c WHERE c.session_id = s.id),
                               '{}')::text[] AS readings
FROM charge_sessions s WHERE s.charger_id = $1 AND s.transaction_id = $2 AND s.transaction_id <> 0;

-- name: OpenChargeSession :one
SELECT sqlc.embed(s), coalesce((SELECT array_agg(c.readings ORDER BY c.chunk) FROM charge_readings c WHERE c.session_id = s.id),
                               '{}')::text[] AS readings
FROM charge_sessions s
WHERE s.charger_id = $1 AND s.connector = $2 AND s.status IN ('pending', 'charging');

-- name: UpdateChargeSession :execrows
UPDATE charge_sessions
SET transaction_id = $1, status = $2, updated_at = $3, data = $4, outcome = $5, version = version + 1
WHERE id = $6 AND version = $7;

-- name: ListChargeSessions :many
SELECT * FROM charge_sessions
WHERE (sqlc.arg(charger_id)::text = '' OR charger_id = sqlc.arg(charger_id)::text)
  AND (sqlc.arg(partner_id)::text = '' OR partner_id = sqlc.arg(partner_id)::text)
  AND (sqlc.arg(status)::text = '' OR status = sqlc.arg(status)::text)
  AND (sqlc.arg(outcome)::text = '' OR outcome = sqlc.arg(outcome)::text)
  AND updated_at >= sqlc.arg(updated_from)::timestamptz AND updated_at < sqlc.arg(updated_to)::timestamptz
  AND (updated_at > sqlc.arg(after_updated)::timestamptz
       OR (updated_at = sqlc.arg(after_updated)::timestamptz AND id > sqlc.arg(after_id)::text))
ORDER BY updated_at, id LIMIT sqlc.arg(lim)::int;

-- name: CountChargeSessions :one
SELECT COUNT(*) FROM charge_sessions
WHERE (sqlc.arg(charger_id)::text = '' OR charger_id = sqlc.arg(charger_id)::text)
  AND (sqlc.arg(partner_id)::text = '' OR partner_id = sqlc.arg(partner_id)::text)
  AND (sqlc.arg(status)::text = '' OR status = sqlc.arg(status)::text)
  AND (sqlc.arg(outcome)::text = '' OR outcome = sqlc.arg(outcome)::text)
  AND updated_at >= sqlc.arg(updated_from)::timestamptz AND updated_at < sqlc.arg(updated_to)::timestamptz;

-- name: LatestChargeSessions :many
SELECT * FROM charge_sessions
WHERE charger_id = $1
ORDER BY updated_at DESC, id DESC LIMIT $2;

-- name: LatestChargeSessionsOfLot :many
-- Each charger's newest lim through charge_sessions_charger, read from its
-- end: a charger's older sessions are never read.
SELECT s.* FROM chargers c
CROSS JOIN LATERAL (
    SELECT * FROM charge_sessions x WHERE x.charger_id = c.id
    ORDER BY x.updated_at DESC, x.id DESC LIMIT sqlc.arg(lim)::int) s
WHERE c.lot_code = sqlc.arg(lot_code)::text
ORDER BY c.id, s.updated_at DESC, s.id DESC;

-- name: ChargeSessionsOfPlate :many
SELECT * FROM charge_sessions
WHERE lot_code = $1 AND plate_key = $2 AND plate_key <> ''
ORDER BY updated_at DESC LIMIT $3;

-- name: AddChargeReadings :exec
-- To the session's last chunk when they fit in it, else in a new chunk.
WITH last AS (
    SELECT chunk, n FROM charge_readings WHERE session_id = sqlc.arg(session_id)::text ORDER BY chunk DESC LIMIT 1
), appended AS (
    UPDATE charge_readings c SET n = c.n + sqlc.arg(n)::bigint, readings = c.readings || sqlc.arg(readings)::text
    FROM last
    WHERE c.session_id = sqlc.arg(session_id)::text AND c.chunk = last.chunk AND last.n + sqlc.arg(n)::bigint <= sqlc.arg(chunk_size)::bigint
    RETURNING 1
)
INSERT INTO charge_readings (session_id, chunk, n, readings)
SELECT sqlc.arg(session_id)::text, coalesce((SELECT chunk FROM last), -1) + 1, sqlc.arg(n)::bigint, sqlc.arg(readings)::text
WHERE NOT EXISTS (SELECT 1 FROM appended);

-- name: ChargeReadings :many
SELECT session_id, readings FROM charge_readings
WHERE session_id = ANY(sqlc.arg(session_ids)::text[])
ORDER BY session_id, chunk;
