-- name: InsertQuote :exec
INSERT INTO quotes (id, stay_id, lot_code, amount_due, total, discount, paid_before, currency, computed_at,
                    expires_at, lines, source)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetQuote :one
SELECT * FROM quotes WHERE id = ?;

-- name: ListStayQuotes :many
SELECT * FROM quotes WHERE stay_id = ? ORDER BY computed_at DESC, id DESC LIMIT ?;

-- name: DeleteExpiredQuotes :execrows
DELETE FROM quotes
WHERE id IN (SELECT q.id FROM quotes q
             WHERE q.expires_at < ? AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.quote_id = q.id)
             LIMIT ?);

-- name: InsertPayment :exec
INSERT INTO payments (id, quote_id, stay_id, lot_code, amount, currency, method, payer, reference, idem_key,
                      paid_at, paid_until)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetPayment :one
SELECT * FROM payments WHERE id = ?;

-- name: GetPaymentByQuote :one
SELECT * FROM payments WHERE quote_id = ?;

-- name: GetPaymentByKey :one
SELECT * FROM payments WHERE idem_key = ? AND idem_key <> '';

-- name: GetPaymentByReference :one
SELECT * FROM payments WHERE payer = ? AND reference = ? AND reference <> '';

-- name: ListStayPayments :many
SELECT * FROM payments WHERE stay_id = ? ORDER BY paid_at, id;
