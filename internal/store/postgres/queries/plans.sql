-- name: InsertPlan :exec
INSERT INTO plans (lot_code, code, name, price, vehicle_class, slots, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: GetPlan :one
SELECT * FROM plans WHERE lot_code = $1 AND code = $2;

-- name: ListPlans :many
SELECT * FROM plans WHERE lot_code = $1 ORDER BY code;

-- name: UpdatePlan :execrows
UPDATE plans
SET name = $1, price = $2, vehicle_class = $3, slots = $4, updated_at = $5, version = version + 1
WHERE lot_code = $6 AND code = $7 AND version = $8;

-- name: DeletePlan :execrows
DELETE FROM plans WHERE lot_code = $1 AND code = $2;

-- name: InsertRenewal :exec
INSERT INTO renewals (id, lot_code, pass_id, plan_code, months, amount, pass_valid_to, starts_at, valid_to,
                      created_at, expires_at, paid_at, payer, reference, method, source)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: GetRenewal :one
SELECT * FROM renewals WHERE id = $1;

-- name: GetRenewalByReference :one
SELECT * FROM renewals WHERE payer = $1 AND reference = $2 AND reference <> '';

-- name: UpdateRenewal :execrows
UPDATE renewals
SET pass_valid_to = $1, starts_at = $2, valid_to = $3, paid_at = $4, payer = $5, reference = $6, method = $7,
    version = version + 1
WHERE id = $8 AND version = $9;

-- name: PassLapses :many
SELECT pass_valid_to, starts_at FROM renewals
WHERE pass_id = $1 AND paid_at IS NOT NULL AND starts_at > pass_valid_to
ORDER BY pass_valid_to;

-- name: InsertPassTerm :exec
INSERT INTO pass_terms (pass_id, until, plan, slots) VALUES ($1, $2, $3, $4)
ON CONFLICT (pass_id, until) DO NOTHING;

-- name: DeletePassTerms :exec
DELETE FROM pass_terms WHERE pass_id = $1;

-- name: PassTerms :many
SELECT until, plan, slots FROM pass_terms WHERE pass_id = $1 ORDER BY until;
