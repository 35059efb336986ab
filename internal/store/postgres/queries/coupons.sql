-- name: CreateCoupon :exec
INSERT INTO coupons (lot_code, id, plate, plate_key, kind, value, issuer, merchant, valid_from, valid_to,
                     state, stay_id, payment_id, used_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: GetCoupon :one
SELECT * FROM coupons WHERE lot_code = $1 AND id = $2;

-- name: UpdateCoupon :execrows
UPDATE coupons
SET state = $1, stay_id = $2, payment_id = $3, used_at = $4, updated_at = $5, version = version + 1
WHERE lot_code = $6 AND id = $7 AND version = $8;

-- The lot's coupons the filter selects, any plate, oldest first, placed
-- by an offset; a plate's are ListPlateCoupons.
-- name: ListCoupons :many
SELECT * FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
  AND (sqlc.arg(issuer)::text = '' OR issuer = sqlc.arg(issuer))
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from))
  AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to))
  AND (sqlc.narg(ended_by)::timestamptz IS NULL OR valid_to <= sqlc.narg(ended_by))
  AND (sqlc.narg(open_at)::timestamptz IS NULL OR valid_to > sqlc.narg(open_at))
ORDER BY created_at, id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- One plate's coupons, oldest first, placed by an offset as ListCoupons:
-- coupons_plate (lot, plate, created, id) reads that plate's coupons
-- alone, already in the page's order, which a plate filter that may be
-- empty cannot (its plan walks the lot's coupons and skips the other
-- plates').
-- name: ListPlateCoupons :many
SELECT * FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND plate_key = sqlc.arg(plate_key)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
  AND (sqlc.arg(issuer)::text = '' OR issuer = sqlc.arg(issuer))
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from))
  AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to))
  AND (sqlc.narg(ended_by)::timestamptz IS NULL OR valid_to <= sqlc.narg(ended_by))
  AND (sqlc.narg(open_at)::timestamptz IS NULL OR valid_to > sqlc.narg(open_at))
ORDER BY created_at, id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- Newest first (created, then id, the higher first) from before a cursor
-- (before_at, before_id): the previous page's last, or the end of time
-- and '' for the newest. coupons_lot_created starts the scan at the
-- cursor, so a deep page reads no row before it.
-- name: ListCouponsBefore :many
SELECT * FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND created_at <= sqlc.arg(before_at)
  AND (created_at < sqlc.arg(before_at) OR id < sqlc.arg(before_id))
  AND (sqlc.arg(plate_key)::text = '' OR plate_key = sqlc.arg(plate_key))
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
  AND (sqlc.arg(issuer)::text = '' OR issuer = sqlc.arg(issuer))
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from))
  AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to))
  AND (sqlc.narg(ended_by)::timestamptz IS NULL OR valid_to <= sqlc.narg(ended_by))
  AND (sqlc.narg(open_at)::timestamptz IS NULL OR valid_to > sqlc.narg(open_at))
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg(lim);

-- Oldest first from after a cursor (after_at, after_id), the previous
-- page's last: the native API's next page, by coupons_lot_created.
-- name: ListCouponsAfter :many
SELECT * FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND created_at >= sqlc.arg(after_at)
  AND (created_at > sqlc.arg(after_at) OR id > sqlc.arg(after_id))
  AND (sqlc.arg(plate_key)::text = '' OR plate_key = sqlc.arg(plate_key))
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
  AND (sqlc.arg(issuer)::text = '' OR issuer = sqlc.arg(issuer))
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from))
  AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to))
  AND (sqlc.narg(ended_by)::timestamptz IS NULL OR valid_to <= sqlc.narg(ended_by))
  AND (sqlc.narg(open_at)::timestamptz IS NULL OR valid_to > sqlc.narg(open_at))
ORDER BY created_at, id
LIMIT sqlc.arg(lim);

-- One plate's coupons, newest first from before a cursor as
-- ListCouponsBefore: coupons_plate (lot, plate, created, id) starts the
-- scan at the cursor among that plate's coupons alone, which a plate
-- filter in ListCouponsBefore cannot (its plate may be '', so its plan
-- walks the lot's coupons and skips the other plates').
-- name: ListPlateCouponsBefore :many
SELECT * FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND created_at <= sqlc.arg(before_at)
  AND (created_at < sqlc.arg(before_at) OR id < sqlc.arg(before_id))
  AND plate_key = sqlc.arg(plate_key)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
  AND (sqlc.arg(issuer)::text = '' OR issuer = sqlc.arg(issuer))
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from))
  AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to))
  AND (sqlc.narg(ended_by)::timestamptz IS NULL OR valid_to <= sqlc.narg(ended_by))
  AND (sqlc.narg(open_at)::timestamptz IS NULL OR valid_to > sqlc.narg(open_at))
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg(lim);

-- One plate's coupons, oldest first from after a cursor, as
-- ListPlateCouponsBefore.
-- name: ListPlateCouponsAfter :many
SELECT * FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND created_at >= sqlc.arg(after_at)
  AND (created_at > sqlc.arg(after_at) OR id > sqlc.arg(after_id))
  AND plate_key = sqlc.arg(plate_key)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
  AND (sqlc.arg(issuer)::text = '' OR issuer = sqlc.arg(issuer))
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from))
  AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to))
  AND (sqlc.narg(ended_by)::timestamptz IS NULL OR valid_to <= sqlc.narg(ended_by))
  AND (sqlc.narg(open_at)::timestamptz IS NULL OR valid_to > sqlc.narg(open_at))
ORDER BY created_at, id
LIMIT sqlc.arg(lim);

-- How many of the lot's coupons the filter selects, any plate; a
-- plate's count is CountPlateCoupons.
-- name: CountCoupons :one
SELECT count(*) FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
  AND (sqlc.arg(issuer)::text = '' OR issuer = sqlc.arg(issuer))
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from))
  AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to))
  AND (sqlc.narg(ended_by)::timestamptz IS NULL OR valid_to <= sqlc.narg(ended_by))
  AND (sqlc.narg(open_at)::timestamptz IS NULL OR valid_to > sqlc.narg(open_at));

-- How many of one plate's coupons the filter selects, read through
-- coupons_plate (lot, plate): that plate's coupons alone, which a
-- plate filter that may be '' cannot (its plan walks the lot's).
-- name: CountPlateCoupons :one
SELECT count(*) FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND plate_key = sqlc.arg(plate_key)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
  AND (sqlc.arg(issuer)::text = '' OR issuer = sqlc.arg(issuer))
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from))
  AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to))
  AND (sqlc.narg(ended_by)::timestamptz IS NULL OR valid_to <= sqlc.narg(ended_by))
  AND (sqlc.narg(open_at)::timestamptz IS NULL OR valid_to > sqlc.narg(open_at));

-- How many unused coupons a car holds in a lot at open_at: issued, its
-- window not ended (the five-coupon limit's count). coupons_unused holds
-- the issued coupons alone: the count reads those and keeps the open
-- ones, not the used ones a car gathers over years. Its predicate is
-- repeated literally (state = 'issued', no parameter) so that the
-- planners may use the partial index.
-- name: CountPlateUnusedCoupons :one
SELECT count(*) FROM coupons
WHERE lot_code = sqlc.arg(lot_code)
  AND plate_key = sqlc.arg(plate_key)
  AND state = 'issued'
  AND valid_to > sqlc.arg(open_at);

-- What may price a stay: its plate's issued coupons, through
-- coupons_unused (the predicate repeated literally), and the coupons the
-- stay itself used, through coupons_stay (stay_id <> '' repeated
-- likewise; a stay's id is never ''), oldest first. The halves are
-- apart (state = 'issued' or not), so together they are the plate's
-- coupons that are issued or the stay's, read without the car's other
-- used ones.
-- name: StayCoupons :many
SELECT u.* FROM coupons u
WHERE u.lot_code = sqlc.arg(lot_code) AND u.plate_key = sqlc.arg(plate_key) AND u.state = 'issued'
UNION ALL
SELECT s.* FROM coupons s
WHERE s.lot_code = sqlc.arg(lot_code) AND s.stay_id = sqlc.arg(stay_id) AND s.stay_id <> ''
  AND s.plate_key = sqlc.arg(plate_key) AND s.state <> 'issued'
ORDER BY created_at, id;
