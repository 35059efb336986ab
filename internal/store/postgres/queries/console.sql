-- name: CreateOperator :exec
INSERT INTO operators (name, role, lots, language, password_hash, disabled, created_at, updated_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1);

-- name: GetOperator :one
SELECT * FROM operators WHERE name = $1;

-- name: ListOperators :many
SELECT * FROM operators ORDER BY name;

-- name: UpdateOperator :execrows
UPDATE operators SET role = $1, lots = $2, language = $3, password_hash = $4, disabled = $5, updated_at = $6,
    version = version + 1
WHERE name = $7 AND version = $8;

-- name: InsertSession :exec
INSERT INTO sessions (hash, operator, csrf, source, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: GetSession :one
SELECT * FROM sessions WHERE hash = $1;

-- name: RevokeSession :execrows
UPDATE sessions SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL;

-- name: RevokeOperatorSessions :execrows
UPDATE sessions SET revoked_at = sqlc.arg(at) WHERE operator = sqlc.arg(operator) AND revoked_at IS NULL AND expires_at > sqlc.arg(now);

-- name: DeleteSessionsBefore :execrows
DELETE FROM sessions WHERE hash IN (SELECT s.hash FROM sessions s WHERE s.expires_at < $1 LIMIT $2);

-- name: InsertAudit :exec
INSERT INTO audit_log (id, at, actor, action, lot, target, reason, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: ListAudit :many
SELECT * FROM audit_log
WHERE (sqlc.arg(lot)::text = '' OR lot = sqlc.arg(lot)) AND (sqlc.arg(actor)::text = '' OR actor = sqlc.arg(actor))
  AND (sqlc.arg(before_seq)::bigint = 0 OR seq < sqlc.arg(before_seq))
ORDER BY seq DESC LIMIT sqlc.arg(lim);

-- name: SumPayments :many
-- Of some lots, each read through its index.
SELECT lot_code, COALESCE(SUM(amount), 0)::bigint AS amount, COUNT(*) AS count
FROM payments WHERE lot_code = ANY(sqlc.arg(lots)::text[]) AND paid_at >= sqlc.arg(from_at) AND paid_at < sqlc.arg(to_at)
GROUP BY lot_code;

-- name: ListLanes :many
SELECT * FROM lanes WHERE lot_code = $1 ORDER BY id;

-- name: ListRecentEvents :many
SELECT * FROM events WHERE lot_code = sqlc.arg(lot_code) AND received_at > sqlc.arg(after)
ORDER BY received_at DESC, id DESC LIMIT sqlc.arg(lim);

-- name: ListStayPictureEvents :many
SELECT * FROM events WHERE lot_code = sqlc.arg(lot_code) AND image_url <> ''
  AND ((received_at BETWEEN sqlc.arg(from1) AND sqlc.arg(to1)) OR (received_at BETWEEN sqlc.arg(from2) AND sqlc.arg(to2)))
  AND decision->>'stay_id' = sqlc.arg(stay_id)::text
ORDER BY received_at, id LIMIT sqlc.arg(lim);

-- name: CountPassagesByHour :many
SELECT lot_code, type, CAST(floor(extract(epoch FROM received_at) / 3600) AS BIGINT) AS hour, COUNT(*) AS n
FROM events
WHERE lot_code = ANY(sqlc.arg(lots)::text[]) AND received_at >= sqlc.arg(since)
  AND decision->>'decision' = 'open'
GROUP BY lot_code, type, hour ORDER BY lot_code, hour, type;

-- name: SumStaysLeft :many
SELECT lot_code, COUNT(*) AS n, COALESCE(SUM(total), 0)::bigint AS total,
       COALESCE(SUM(discount), 0)::bigint AS discount, COALESCE(SUM(paid), 0)::bigint AS paid
FROM stays WHERE lot_code = ANY(sqlc.arg(lots)::text[]) AND exit_at >= sqlc.arg(from_at) AND exit_at < sqlc.arg(to_at)
GROUP BY lot_code;

-- name: CountCouponsUsed :many
-- The coupons used by the stays that left in the period (SumStaysLeft's
-- stays), whenever they were used: the coupons behind those stays'
-- discounts. Each stay's are read through coupons_plate: a stay uses only
-- its plate's coupons.
SELECT s.lot_code, COUNT(*) AS n
FROM stays s JOIN coupons c ON c.lot_code = s.lot_code AND c.plate_key = s.plate_key AND c.stay_id = s.id
WHERE s.lot_code = ANY(sqlc.arg(lots)::text[]) AND s.exit_at >= sqlc.arg(from_at) AND s.exit_at < sqlc.arg(to_at)
  AND c.state = 'used'
GROUP BY s.lot_code;

-- name: CountStayEntriesByHour :many
-- A stay that entered since the instant is inside now (this query) or
-- left after it (the next), each read through an index.
SELECT lot_code, CAST(floor(extract(epoch FROM entry_at) / 3600) AS BIGINT) AS hour, COUNT(*) AS n
FROM stays
WHERE lot_code = ANY(sqlc.arg(lots)::text[]) AND state = 'in' AND entry_at >= sqlc.arg(since)
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: CountLeftStayEntriesByHour :many
SELECT lot_code, CAST(floor(extract(epoch FROM entry_at) / 3600) AS BIGINT) AS hour, COUNT(*) AS n
FROM stays
WHERE lot_code = ANY(sqlc.arg(lots)::text[]) AND exit_at >= sqlc.arg(since) AND entry_at >= sqlc.arg(since)
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: CountStayExitsByHour :many
SELECT lot_code, CAST(floor(extract(epoch FROM exit_at) / 3600) AS BIGINT) AS hour, COUNT(*) AS n
FROM stays
WHERE lot_code = ANY(sqlc.arg(lots)::text[]) AND exit_at >= sqlc.arg(since)
GROUP BY 1, 2 ORDER BY 1, 2;

-- name: ListAuditOfLots :many
-- ListAudit of some lots: each lot's entries older than before_seq by
-- audit_log_lot, not a scan of the whole log.
SELECT * FROM audit_log
WHERE lot = ANY(sqlc.arg(lots)::text[]) AND seq < sqlc.arg(before_seq)
  AND (sqlc.arg(actor)::text = '' OR actor = sqlc.arg(actor))
ORDER BY seq DESC LIMIT sqlc.arg(lim);
