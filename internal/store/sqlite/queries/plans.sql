-- name: InsertPlan :exec
INSERT INTO plans (lot_code, code, name, price, vehicle_class, slots, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetPlan :one
SELECT * FROM plans WHERE lot_code = ? AND code = ?;

-- name: ListPlans :many
SELECT * FROM plans WHERE lot_code = ? ORDER BY code;

-- name: UpdatePlan :execrows
UPDATE plans
SET name = ?, price = ?, vehicle_class = ?, slots = ?, updated_at = ?, version = version + 1
WHERE lot_code = ? AND code = ? AND version = ?;

-- name: DeletePlan :execrows
DELETE FROM plans WHERE lot_code = ? AND code = ?;

-- name: InsertRenewal :exec
INSERT INTO renewals (id, lot_code, pass_id, plan_code, months, amount, pass_valid_to, starts_at, valid_to,
                      created_at, expires_at, paid_at, payer, reference, method, source)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetRenewal :one
SELECT * FROM renewals WHERE id = ?;

-- name: GetRenewalByReference :one
SELECT * FROM renewals WHERE payer = ? AND reference = ? AND reference <> '';

-- name: UpdateRenewal :execrows
UPDATE renewals
SET pass_valid_to = ?, starts_at = ?, valid_to = ?, paid_at = ?, payer = ?, reference = ?, method = ?, version = version + 1
WHERE id = ? AND version = ?;

-- name: PassLapses :many
SELECT pass_valid_to, starts_at FROM renewals
WHERE pass_id = ? AND paid_at IS NOT NULL AND starts_at > pass_valid_to
ORDER BY pass_valid_to;

-- name: InsertPassTerm :exec
INSERT INTO pass_terms (pass_id, until, plan, slots) VALUES (?, ?, ?, ?)
ON CONFLICT (pass_id, until) DO NOTHING;

-- name: DeletePassTerms :exec
DELETE FROM pass_terms WHERE pass_id = ?;

-- name: PassTerms :many
SELECT until, plan, slots FROM pass_terms WHERE pass_id = ? ORDER BY until;
