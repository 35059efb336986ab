-- name: CreatePartner :exec
INSERT INTO partners (id, name, dialect, type, secret, sign_mode, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: InsertPartnerLot :exec
INSERT INTO partner_lots (partner_id, lot_code) VALUES ($1, $2);

-- name: GetPartner :one
SELECT * FROM partners WHERE id = $1;

-- name: ListPartnerLots :many
SELECT lot_code FROM partner_lots WHERE partner_id = $1 ORDER BY lot_code;

-- name: PartnerUsesLot :one
SELECT EXISTS (SELECT 1 FROM partner_lots WHERE partner_id = $1 AND lot_code = $2);

-- name: ListPartners :many
SELECT * FROM partners ORDER BY id;

-- name: ListAllPartnerLots :many
SELECT * FROM partner_lots ORDER BY partner_id, lot_code;

-- Deleting a partner marks its subscriptions deleted, as
-- DeleteSubscription does, in the same short transaction: they outlive
-- the partner's row (no foreign key) until the prune has removed their
-- deliveries in batches. The row is deleted first: that waits for a
-- subscription being created for it (LockPartnerKey), which the marking,
-- a later statement, then sees.
-- name: DeletePartner :execrows
DELETE FROM partners WHERE id = $1;

-- name: DeletePartnerSubscriptions :execrows
UPDATE subscriptions SET deleted = true, enabled = false, version = version + 1 WHERE partner_id = $1 AND NOT deleted;

-- A subscription's partner, held until commit as a foreign key would:
-- the partner cannot be deleted under a subscription being created.
-- name: LockPartnerKey :one
SELECT id FROM partners WHERE id = $1 FOR KEY SHARE;

-- name: CreateIntegrator :exec
INSERT INTO integrators (username, password_hash, default_partner, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5);

-- name: InsertIntegratorPartner :exec
INSERT INTO integrator_partners (username, partner_id, position) VALUES ($1, $2, $3);

-- name: GetIntegrator :one
SELECT * FROM integrators WHERE username = $1;

-- name: ListIntegratorPartners :many
SELECT partner_id FROM integrator_partners WHERE username = $1 ORDER BY position;

-- name: InsertToken :exec
INSERT INTO api_tokens (hash, username, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5);

-- name: GetToken :one
SELECT * FROM api_tokens WHERE hash = $1;

-- name: RevokeTokens :execrows
UPDATE api_tokens SET revoked_at = $1 WHERE username = $2 AND revoked_at IS NULL;
