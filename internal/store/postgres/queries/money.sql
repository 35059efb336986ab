-- name: InsertQuote :exec
INSERT INTO quotes (id, stay_id, lot_code, amount_due, total, discount, paid_before, currency, computed_at,
                    expires_at, lines, source)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: GetQuote :one
SELECT * FROM quotes WHERE id = $1;

-- name: ListStayQuotes :many
SELECT * FROM quotes WHERE stay_id = $1 ORDER BY computed_at DESC, id DESC LIMIT $2;

-- name: DeleteExpiredQuotes :execrows
-- SKIP LOCKED: two nodes cleaning up at once take different quotes, and a
-- quote whose payment is being inserted right now (its row is key-share
-- locked by the foreign key check) is left alone.
DELETE FROM quotes
WHERE id IN (SELECT q.id FROM quotes q
             WHERE q.expires_at < sqlc.arg(before) AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.quote_id = q.id)
             LIMIT sqlc.arg(max_rows)
             FOR UPDATE SKIP LOCKED);

-- name: InsertPayment :exec
INSERT INTO payments (id, quote_id, stay_id, lot_code, amount, currency, method, payer, reference, idem_key,
                      paid_at, paid_until)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: GetPayment :one
SELECT * FROM payments WHERE id = $1;

-- name: GetPaymentByQuote :one
SELECT * FROM payments WHERE quote_id = $1;

-- name: GetPaymentByKey :one
SELECT * FROM payments WHERE idem_key = $1 AND idem_key <> '';

-- name: GetPaymentByReference :one
SELECT * FROM payments WHERE payer = $1 AND reference = $2 AND reference <> '';

-- name: GetPaymentsByKeyOrReference :many
-- GetPaymentByKey and GetPaymentByReference in one round trip: each arm
-- is a partial unique index's probe, so at most two rows.
SELECT * FROM payments
WHERE (idem_key = sqlc.arg(idem_key) AND idem_key <> '')
   OR (payer = sqlc.arg(payer) AND reference = sqlc.arg(reference) AND reference <> '');

-- name: ListStayPayments :many
SELECT * FROM payments WHERE stay_id = $1 ORDER BY paid_at, id;
