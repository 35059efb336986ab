-- name: CreateOperator :exec
INSERT INTO operators (name, role, lots, language, password_hash, disabled, created_at, updated_at, version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1);

-- name: GetOperator :one
SELECT * FROM operators WHERE name = ?;

-- name: ListOperators :many
SELECT * FROM operators ORDER BY name;

-- name: UpdateOperator :execrows
UPDATE operators SET role = ?, lots = ?, language = ?, password_hash = ?, disabled = ?, updated_at = ?,
    version = version + 1
WHERE name = ? AND version = ?;

-- name: InsertSession :exec
INSERT INTO sessions (hash, operator, csrf, source, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?);

-- name: GetSession :one
SELECT * FROM sessions WHERE hash = ?;

-- name: RevokeSession :execrows
UPDATE sessions SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL;

-- name: RevokeOperatorSessions :execrows
UPDATE sessions SET revoked_at = sqlc.arg(at) WHERE operator = sqlc.arg(operator) AND revoked_at IS NULL AND expires_at > sqlc.arg(now);

-- name: DeleteSessionsBefore :execrows
DELETE FROM sessions WHERE hash IN (SELECT s.hash FROM sessions s WHERE s.expires_at < ? LIMIT ?);

-- name: InsertAudit :exec
INSERT INTO audit_log (id, at, actor, action, lot, target, reason, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: ListAudit :many
SELECT * FROM audit_log
WHERE (sqlc.arg(lot) = '' OR lot = sqlc.arg(lot)) AND (sqlc.arg(actor) = '' OR actor = sqlc.arg(actor))
  AND (sqlc.arg(before_seq) = 0 OR seq < sqlc.arg(before_seq))
ORDER BY seq DESC LIMIT sqlc.arg(lim);

-- name: SumPayments :many
-- Of some lots (a JSON array of codes), each read through its index.
SELECT lot_code, CAST(COALESCE(SUM(amount), 0) AS INTEGER) AS amount, COUNT(*) AS count
FROM payments WHERE lot_code IN (SELECT value FROM json_each(CAST(sqlc.arg(lots) AS TEXT))) AND paid_at >= sqlc.arg(from_at) AND paid_at < sqlc.arg(to_at)
GROUP BY lot_code;

-- name: ListLanes :many
SELECT * FROM lanes WHERE lot_code = ? ORDER BY id;

-- name: ListRecentEvents :many
SELECT * FROM events WHERE lot_code = sqlc.arg(lot_code) AND received_at > sqlc.arg(after)
ORDER BY received_at DESC, id DESC LIMIT sqlc.arg(lim);

-- name: ListStayPictureEvents :many
SELECT * FROM events WHERE lot_code = sqlc.arg(lot_code) AND image_url <> ''
  AND ((received_at BETWEEN sqlc.arg(from1) AND sqlc.arg(to1)) OR (received_at BETWEEN sqlc.arg(from2) AND sqlc.arg(to2)))
  AND json_extract(decision, '$.stay_id') = sqlc.arg(stay_id)
ORDER BY received_at, id LIMIT sqlc.arg(lim);

-- name: CountPassagesByHour :many
SELECT lot_code, type, CAST(received_at / 3600000000 AS INTEGER) AS hour, COUNT(*) AS n
FROM events
WHERE lot_code IN (SELECT value FROM json_each(CAST(sqlc.arg(lots) AS TEXT))) AND received_at >= sqlc.arg(since)
  AND json_extract(decision, '$.decision') = 'open'
GROUP BY lot_code, type, hour ORDER BY lot_code, hour, type;

-- name: SumStaysLeft :many
SELECT lot_code, COUNT(*) AS n, CAST(COALESCE(SUM(total), 0) AS INTEGER) AS total,
       CAST(COALESCE(SUM(discount), 0) AS INTEGER) AS discount, CAST(COALESCE(SUM(paid), 0) AS INTEGER) AS paid
FROM stays WHERE lot_code IN (SELECT value FROM json_each(CAST(sqlc.arg(lots) AS TEXT))) AND exit_at >= sqlc.arg(from_at) AND exit_at < sqlc.arg(to_at)
GROUP BY lot_code;

-- name: CountCouponsUsed :many
-- The coupons used by the stays that left in the period (SumStaysLeft's
-- stays), whenever they were used: the coupons behind those stays'
-- discounts. Each stay's are read through coupons_plate: a stay uses only
-- its plate's coupons.
SELECT s.lot_code, COUNT(*) AS n
FROM stays s JOIN coupons c ON c.lot_code = s.lot_code AND c.plate_key = s.plate_key AND c.stay_id = s.id
WHERE s.lot_code IN (SELECT value FROM json_each(CAST(sqlc.arg(lots) AS TEXT))) AND s.exit_at >= sqlc.arg(from_at) AND s.exit_at < sqlc.arg(to_at)
  AND c.state = 'used'
GROUP BY s.lot_code;

-- name: CountStayEntriesByHour :many
-- A stay that entered since the instant is inside now (this query) or
-- left after it (the next), each read through an index.
SELECT lot_code, CAST(entry_at / 3600000000 AS INTEGER) AS hour, COUNT(*) AS n
FROM stays
WHERE lot_code IN (SELECT value FROM json_each(CAST(sqlc.arg(lots) AS TEXT))) AND state = 'in' AND entry_at >= sqlc.arg(since)
GROUP BY lot_code, hour ORDER BY lot_code, hour;

-- name: CountLeftStayEntriesByHour :many
SELECT lot_code, CAST(entry_at / 3600000000 AS INTEGER) AS hour, COUNT(*) AS n
FROM stays
WHERE lot_code IN (SELECT value FROM json_each(CAST(sqlc.arg(lots) AS TEXT))) AND exit_at >= sqlc.arg(since) AND entry_at >= sqlc.arg(since)
GROUP BY lot_code, hour ORDER BY lot_code, hour;

-- name: CountStayExitsByHour :many
SELECT lot_code, CAST(exit_at / 3600000000 AS INTEGER) AS hour, COUNT(*) AS n
FROM stays
WHERE lot_code IN (SELECT value FROM json_each(CAST(sqlc.arg(lots) AS TEXT))) AND exit_at >= sqlc.arg(since)
GROUP BY lot_code, hour ORDER BY lot_code, hour;

-- name: ListAuditOfLots :many
-- ListAudit of some lots (a JSON array of codes): each lot's entries
-- older than before_seq by audit_log_lot, not a scan of the whole log.
SELECT * FROM audit_log
WHERE lot IN (SELECT value FROM json_each(CAST(sqlc.arg(lots) AS TEXT))) AND seq < sqlc.arg(before_seq)
  AND (sqlc.arg(actor) = '' OR actor = sqlc.arg(actor))
ORDER BY seq DESC LIMIT sqlc.arg(lim);
