-- name: CreatePartner :exec
INSERT INTO partners (id, name, dialect, type, secret, sign_mode, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: InsertPartnerLot :exec
INSERT INTO partner_lots (partner_id, lot_code) VALUES (?, ?);

-- name: GetPartner :one
SELECT * FROM partners WHERE id = ?;

-- name: ListPartnerLots :many
SELECT lot_code FROM partner_lots WHERE partner_id = ? ORDER BY lot_code;

-- name: PartnerUsesLot :one
SELECT EXISTS (SELECT 1 FROM partner_lots WHERE partner_id = ? AND lot_code = ?);

-- name: ListPartners :many
SELECT * FROM partners ORDER BY id;

-- name: ListAllPartnerLots :many
SELECT * FROM partner_lots ORDER BY partner_id, lot_code;

-- Deleting a partner marks its subscriptions deleted, as
-- DeleteSubscription does, in the same short write: they outlive the
-- partner's row (no foreign key) until the prune has removed their
-- deliveries in batches.
-- name: DeletePartnerSubscriptions :execrows
UPDATE subscriptions SET deleted = 1, enabled = 0, version = version + 1 WHERE partner_id = ? AND deleted = 0;

-- name: DeletePartner :execrows
DELETE FROM partners WHERE id = ?;

-- A subscription's partner, looked for before it is stored, as no
-- foreign key does it.
-- name: PartnerExists :one
SELECT EXISTS (SELECT 1 FROM partners WHERE id = ?);

-- name: CreateIntegrator :exec
INSERT INTO integrators (username, password_hash, default_partner, created_at, updated_at)
VALUES (?, ?, ?, ?, ?);

-- name: InsertIntegratorPartner :exec
INSERT INTO integrator_partners (username, partner_id, position) VALUES (?, ?, ?);

-- name: GetIntegrator :one
SELECT * FROM integrators WHERE username = ?;

-- name: ListIntegratorPartners :many
SELECT partner_id FROM integrator_partners WHERE username = ? ORDER BY position;

-- name: InsertToken :exec
INSERT INTO api_tokens (hash, username, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?);

-- name: GetToken :one
SELECT * FROM api_tokens WHERE hash = ?;

-- name: RevokeTokens :execrows
UPDATE api_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL;
