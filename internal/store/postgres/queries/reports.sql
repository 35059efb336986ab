-- name: CreateSubscription :exec
INSERT INTO subscriptions (id, partner_id, report, url, format, enabled, secret, previous, rate_limit, concurrency,
                           timeout_ms, schedule_ms, disabled_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15);

-- A deleted subscription (DeleteSubscription) is read by none of these.
-- name: GetSubscription :one
SELECT * FROM subscriptions WHERE id = $1 AND NOT deleted;

-- name: ListSubscriptions :many
SELECT * FROM subscriptions WHERE NOT deleted ORDER BY id;

-- name: ListPartnerSubscriptions :many
SELECT * FROM subscriptions WHERE partner_id = $1 AND NOT deleted ORDER BY id;

-- name: UpdateSubscription :execrows
UPDATE subscriptions
SET report = $1, url = $2, format = $3, enabled = $4, secret = $5, previous = $6, rate_limit = $7, concurrency = $8,
    timeout_ms = $9, schedule_ms = $10, disabled_by = $11, updated_at = $12, version = version + 1
WHERE id = $13 AND version = $14 AND NOT deleted;

-- Deleting marks a subscription deleted, and disabled, in one short
-- write: the cascade to its deliveries, possibly very many, would be
-- one long transaction. Nothing reads them from then on;
-- PruneDeletedSubscriptions removes them in batches, then the row.
-- name: DeleteSubscription :execrows
UPDATE subscriptions SET deleted = true, enabled = false, version = version + 1 WHERE id = $1 AND NOT deleted;

-- A partner's pause (park.Tx PauseSubscription): only while the
-- subscription is enabled with the url the attempt that heard it was
-- sent to, only ever later; the version does not move.
-- name: PauseSubscription :exec
UPDATE subscriptions SET paused_until = sqlc.arg(until)
WHERE id = sqlc.arg(id) AND url = sqlc.arg(url) AND enabled AND NOT deleted
  AND (paused_until IS NULL OR paused_until < sqlc.arg(until));

-- name: LiftPause :exec
UPDATE subscriptions SET paused_until = NULL WHERE id = $1 AND paused_until IS NOT NULL;

-- name: InsertReport :one
INSERT INTO reports (id, kind, lot_code, key, at, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq;

-- EnqueueReport stores a report and fans it out in one statement: a
-- pending delivery, created and due at due (the report's Due), for every subscription to
-- its kind of a partner that may use its lot. A delivery's id is the
-- report's and the subscription's, unique because a subscription id never
-- holds ':'. The deliveries' reference to the report is checked at the
-- statement's end, when both are in.
-- name: EnqueueReport :one
WITH report AS (
    INSERT INTO reports (id, kind, lot_code, key, at, data)
    VALUES (sqlc.arg(report_id)::text, sqlc.arg(kind)::text, sqlc.arg(lot_code)::text, sqlc.arg(key)::text,
            sqlc.arg(at)::timestamptz, sqlc.arg(data)::text)
    RETURNING seq
), fanned AS (
    INSERT INTO deliveries (id, subscription_id, report_id, partner_id, report, lot_code, key, state, next_at, created_at)
    SELECT sqlc.arg(report_id)::text || ':' || s.id, s.id, sqlc.arg(report_id)::text, s.partner_id, s.report,
           pl.lot_code, sqlc.arg(key)::text, 'pending', sqlc.arg(due)::timestamptz, sqlc.arg(due)::timestamptz
    FROM subscriptions s
    JOIN partner_lots pl ON pl.partner_id = s.partner_id AND pl.lot_code = sqlc.arg(lot_code)::text
    WHERE s.report = sqlc.arg(kind)::text AND NOT s.deleted
    RETURNING 1
)
SELECT (SELECT seq FROM report)::bigint AS seq, (SELECT count(*) FROM fanned)::bigint AS deliveries;

-- name: GetReport :one
SELECT * FROM reports WHERE id = $1;

-- name: GetReports :many
SELECT * FROM reports WHERE id = ANY(@ids::text[]);

-- DueDeliveries finds, in a read transaction, what is due (park.Tx
-- DueDeliveries has the rules), without locking or claiming it: the walk
-- through what waits (reports held behind an earlier one of their stay,
-- retries not due yet) holds no row and no writer. It goes subscription
-- by subscription, only through enabled ones (LATERAL, each walk from the
-- longest due, then the oldest, stopped at the limit or at the first not
-- due yet: retries due later are not read), so a disabled subscription's backlog,
-- which grows for as long as it is off, is never walked. A delivery
-- another node is claiming still counts as "to be delivered" for the
-- ones after it, as does one of a disabled subscription. "Still to be
-- delivered" is neither delivered nor dead: pending, failed or sending,
-- and not of a deleted subscription (left for the prune).
-- The state tests are written as the partial indexes
-- deliveries_sub_due and deliveries_order are, so the planner can use
-- them. A sending delivery was due when claimed (next_at is before its
-- lease's end), so an expired claim is in the same range of next_at. skip is an array, never NULL (<> ALL (NULL) would hold for no row).
-- name: DueDeliveries :many
SELECT due.seq FROM subscriptions s
CROSS JOIN LATERAL (
    SELECT d.seq FROM deliveries d
    WHERE d.subscription_id = s.id
      AND d.state IN ('pending', 'failed', 'sending')
      AND d.next_at <= sqlc.arg(now)
      AND (d.state IN ('pending', 'failed') OR d.lease_until <= sqlc.arg(now))
      AND NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.key = d.key AND e.seq < d.seq AND e.report_id <> d.report_id
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted))
      AND (d.after_key = '' OR NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.key = d.after_key AND e.seq < d.seq
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)))
      AND (d.after_key = '' OR d.after_key <> d.key OR NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.after_key = d.key AND e.seq < d.seq
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)))
    ORDER BY d.next_at, d.seq
    LIMIT sqlc.arg(lim)) due
WHERE s.enabled
  AND (s.paused_until IS NULL OR s.paused_until <= sqlc.arg(now))
  AND s.id <> ALL (sqlc.arg(skip)::text[])
ORDER BY due.seq
LIMIT sqlc.arg(lim);

-- ClaimDueDeliveries: among the deliveries seqs names, those
-- DueDeliveries found, each still due by the same rules now, and
-- not locked by another node's claim, is claimed.
-- name: ClaimDueDeliveries :many
WITH due AS (
    SELECT d.seq FROM deliveries d
    JOIN subscriptions s ON s.id = d.subscription_id
    WHERE d.seq = ANY (sqlc.arg(seqs)::bigint[])
      AND d.state IN ('pending', 'failed', 'sending')
      AND ((d.state IN ('pending', 'failed') AND d.next_at <= sqlc.arg(now))
           OR (d.state = 'sending' AND d.lease_until <= sqlc.arg(now)))
      AND s.enabled
      AND (s.paused_until IS NULL OR s.paused_until <= sqlc.arg(now))
      AND NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.key = d.key AND e.seq < d.seq AND e.report_id <> d.report_id
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted))
      AND (d.after_key = '' OR NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.key = d.after_key AND e.seq < d.seq
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)))
      AND (d.after_key = '' OR d.after_key <> d.key OR NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.after_key = d.key AND e.seq < d.seq
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)))
    ORDER BY d.seq
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE deliveries SET state = 'sending', lease_until = sqlc.arg(lease), replayed = false
FROM due WHERE deliveries.seq = due.seq
RETURNING deliveries.*;

-- ClaimLoads: the limits of the subscriptions of the deliveries seqs
-- names, how far their rate's slots are used, and what every node has in
-- flight for each (under a claim not over at now, through
-- deliveries_sending), with which of seqs are theirs.
-- name: ClaimLoads :many
SELECT s.id, s.rate_limit, s.concurrency, s.slots_until,
       array_agg(d.seq ORDER BY d.seq)::bigint[] AS seqs,
       (SELECT count(*) FROM deliveries f
        WHERE f.subscription_id = s.id AND f.state = 'sending' AND f.lease_until > sqlc.arg(now))::bigint AS in_flight
FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
WHERE d.seq = ANY (sqlc.arg(seqs)::bigint[])
GROUP BY s.id
ORDER BY s.id;

-- Not an operator's change: the version does not move.
-- name: UseSlots :exec
UPDATE subscriptions SET slots_until = sqlc.arg(until) WHERE id = sqlc.arg(id);

-- A slot given back (park.Tx ReturnSlots), us microseconds of it.
-- name: ReturnSlots :exec
UPDATE subscriptions SET slots_until = slots_until - sqlc.arg(us)::bigint * interval '1 microsecond'
WHERE id = sqlc.arg(id) AND slots_until IS NOT NULL;

-- FinishDeliveries stores many attempts' outcomes in one statement, so a
-- batch of them is one round trip: element i of each array is delivery
-- ids[i]'s. A time whose has_ flag is false is NULL (an array of
-- timestamps carries no NULL here). Only under the claim that sent it
-- (its lease): once that ran out another node may hold a newer claim,
-- whose outcome this must not overwrite. One an operator redelivered
-- while it was sent (RedeliverSince's mark, replayed) is pending again,
-- due when the replay asked (its next_at kept), its schedule started
-- over, this attempt's answer kept as its last.
-- name: FinishDeliveries :execrows
UPDATE deliveries d
SET state = CASE WHEN d.replayed THEN 'pending' ELSE u.state END,
    attempts = CASE WHEN d.replayed THEN 0 ELSE u.attempts END,
    next_at = CASE WHEN d.replayed THEN d.next_at ELSE u.next_at END,
    replayed = false, lease_until = NULL,
    last_attempt_at = CASE WHEN u.has_attempt THEN u.last_attempt_at END,
    last_status = u.last_status, last_reply = u.last_reply,
    delivered_at = CASE WHEN u.has_delivered AND NOT d.replayed THEN u.delivered_at END
FROM (SELECT unnest(@ids::text[]) AS id, unnest(@states::text[]) AS state, unnest(@attempts::bigint[]) AS attempts,
             unnest(@next_at::timestamptz[]) AS next_at,
             unnest(@has_attempt::boolean[]) AS has_attempt,
             unnest(@last_attempt_at::timestamptz[]) AS last_attempt_at, unnest(@last_status::bigint[]) AS last_status,
             unnest(@last_reply::text[]) AS last_reply, unnest(@has_delivered::boolean[]) AS has_delivered,
             unnest(@delivered_at::timestamptz[]) AS delivered_at, unnest(@lease::timestamptz[]) AS lease) u
WHERE d.id = u.id AND d.state = 'sending' AND d.lease_until = u.lease;

-- A deleted subscription's deliveries are read by none of these, nor
-- redelivered: the set of deleted ones, most often empty, is read once.
-- name: GetDelivery :one
SELECT * FROM deliveries WHERE deliveries.id = $1 AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted);

-- The listings, newest first: one per leading filter so each walks its
-- index; the other filters apply to what it walks.
-- name: ListDeliveries :many
SELECT * FROM deliveries
WHERE (sqlc.arg(report)::text = '' OR deliveries.report = sqlc.arg(report))
  AND (sqlc.arg(state)::text = '' OR deliveries.state = sqlc.arg(state))
  AND (sqlc.narg(since)::timestamptz IS NULL OR deliveries.created_at >= sqlc.narg(since))
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)
  AND deliveries.seq < sqlc.arg(before_seq)
ORDER BY deliveries.seq DESC
LIMIT sqlc.arg(lim);

-- name: ListDeliveriesBySubscription :many
SELECT * FROM deliveries
WHERE deliveries.subscription_id = sqlc.arg(subscription_id)
  AND (sqlc.arg(partner_id)::text = '' OR deliveries.partner_id = sqlc.arg(partner_id))
  AND (sqlc.arg(report)::text = '' OR deliveries.report = sqlc.arg(report))
  AND (sqlc.arg(state)::text = '' OR deliveries.state = sqlc.arg(state))
  AND (sqlc.narg(since)::timestamptz IS NULL OR deliveries.created_at >= sqlc.narg(since))
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)
  AND deliveries.seq < sqlc.arg(before_seq)
ORDER BY deliveries.seq DESC
LIMIT sqlc.arg(lim);

-- name: ListDeliveriesByPartner :many
SELECT * FROM deliveries
WHERE deliveries.partner_id = sqlc.arg(partner_id)
  AND (sqlc.arg(report)::text = '' OR deliveries.report = sqlc.arg(report))
  AND (sqlc.arg(state)::text = '' OR deliveries.state = sqlc.arg(state))
  AND (sqlc.narg(since)::timestamptz IS NULL OR deliveries.created_at >= sqlc.narg(since))
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)
  AND deliveries.seq < sqlc.arg(before_seq)
ORDER BY deliveries.seq DESC
LIMIT sqlc.arg(lim);

-- name: ListDeliveriesByState :many
SELECT * FROM deliveries
WHERE deliveries.state = sqlc.arg(state)
  AND (sqlc.arg(report)::text = '' OR deliveries.report = sqlc.arg(report))
  AND (sqlc.narg(since)::timestamptz IS NULL OR deliveries.created_at >= sqlc.narg(since))
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)
  AND deliveries.seq < sqlc.arg(before_seq)
ORDER BY deliveries.seq DESC
LIMIT sqlc.arg(lim);

-- Redelivering starts a delivery's schedule again, due at once (next_at
-- now). One under a claim not over (an attempt may be under way) stays
-- sending under it, counted in flight (ClaimLoads), so that a replay
-- never opens more requests than the subscription's concurrency; it is
-- marked replayed, and FinishDeliveries, seeing the mark, makes it
-- pending again, due already, rather than storing the attempt's end. A
-- claim after its lease ran out is the replay's attempt: it clears the
-- mark.
-- name: RedeliverSince :execrows
UPDATE deliveries
SET state = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > sqlc.arg(now)::timestamptz THEN 'sending' ELSE 'pending' END,
    attempts = 0, delivered_at = NULL,
    next_at = sqlc.arg(now)::timestamptz,
    replayed = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > sqlc.arg(now)::timestamptz THEN true ELSE false END,
    lease_until = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > sqlc.arg(now)::timestamptz THEN deliveries.lease_until END
WHERE deliveries.subscription_id = sqlc.arg(subscription_id) AND deliveries.created_at >= sqlc.arg(since)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted);

-- Lifting a partner's pause: what it held back (due when it ends, at
-- held_until) is due now, its attempts kept; a retry due at a time of its
-- own keeps it. Only the subscription's rows due then are read
-- (deliveries_sub_due).
-- name: ResumeDeliveries :execrows
UPDATE deliveries SET next_at = sqlc.arg(now)
WHERE deliveries.subscription_id = sqlc.arg(subscription_id) AND deliveries.state IN ('pending', 'failed')
  AND deliveries.next_at = sqlc.arg(held_until) AND deliveries.next_at > sqlc.arg(now)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted);

-- A subscription moved to a new address: every delivery of it waiting
-- for a later retry (pending or failed) is due now, its attempts kept.
-- Only the subscription's rows due later are read (deliveries_sub_due).
-- name: RetryDeliveriesNow :execrows
UPDATE deliveries SET next_at = sqlc.arg(now)
WHERE deliveries.subscription_id = sqlc.arg(subscription_id) AND deliveries.state IN ('pending', 'failed')
  AND deliveries.next_at > sqlc.arg(now)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted);

-- As RedeliverSince, for one report.
-- name: RedeliverReport :execrows
UPDATE deliveries
SET state = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > sqlc.arg(now)::timestamptz THEN 'sending' ELSE 'pending' END,
    attempts = 0, delivered_at = NULL,
    next_at = sqlc.arg(now)::timestamptz,
    replayed = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > sqlc.arg(now)::timestamptz THEN true ELSE false END,
    lease_until = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > sqlc.arg(now)::timestamptz THEN deliveries.lease_until END
WHERE deliveries.report_id = sqlc.arg(report_id)
  AND (sqlc.arg(subscription_id)::text = '' OR deliveries.subscription_id = sqlc.arg(subscription_id))
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted);

-- The states but delivered, named so each is a range of deliveries_state.
-- A deleted subscription's deliveries are not counted: they will never
-- be sent. Each row is read anyway for its created_at.
-- name: CountDeliveries :many
SELECT state, count(*) AS n, min(created_at)::timestamptz AS oldest
FROM deliveries WHERE state IN ('pending', 'sending', 'failed', 'dead')
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted)
GROUP BY state ORDER BY state;

-- The retention. A finished delivery's last change is when it was
-- delivered, else its last attempt, else its creation: the expression
-- deliveries_finished is ordered by. The outer tests are checked again on
-- a row another node changed since the subquery read it (redelivered
-- meanwhile), which is then kept. A disabled subscription's deliveries
-- are all kept, to be replayed once it is enabled again.
-- name: PruneFinishedDeliveries :many
DELETE FROM deliveries
WHERE state IN ('delivered', 'dead')
  AND coalesce(delivered_at, last_attempt_at, created_at) < sqlc.arg(before)::timestamptz
  AND seq IN (
    SELECT d.seq FROM deliveries d
    WHERE d.state IN ('delivered', 'dead')
      AND coalesce(d.delivered_at, d.last_attempt_at, d.created_at) < sqlc.arg(before)::timestamptz
      AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = d.subscription_id AND s.enabled)
    ORDER BY coalesce(d.delivered_at, d.last_attempt_at, d.created_at)
    LIMIT sqlc.arg(lim))
RETURNING report_id;

-- The reports whose deliveries were just pruned. The probe for a
-- delivery left is the (report_id, subscription_id) constraint's index.
-- name: PruneReportsByID :execrows
DELETE FROM reports
WHERE id = ANY(sqlc.arg(ids)::text[])
  AND at < sqlc.arg(before)::timestamptz
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.report_id = reports.id);

-- WalkOldReports reads the next reports at before before after the
-- cursor (after_at, after_seq), in (at, seq) order, and whether any
-- delivery still refers to each.
-- name: WalkOldReports :many
SELECT r.seq, r.at, EXISTS (SELECT 1 FROM deliveries d WHERE d.report_id = r.id) AS needed
FROM reports r
WHERE r.at < sqlc.arg(before)::timestamptz
  AND (r.at, r.seq) > (sqlc.arg(after_at)::timestamptz, sqlc.arg(after_seq)::bigint)
ORDER BY r.at, r.seq
LIMIT sqlc.arg(lim);

-- Those the walk found unneeded, tested again: under READ COMMITTED the
-- walk's read may be older than this statement's.
-- name: DeleteUnneededReports :execrows
DELETE FROM reports
WHERE seq = ANY(sqlc.arg(seqs)::bigint[])
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.report_id = reports.id);

-- A deleted subscription's deliveries, a batch (the cascade would delete
-- them all in one transaction), then the subscriptions left with none.
-- name: PruneDeletedSubscriptionDeliveries :execrows
DELETE FROM deliveries WHERE seq IN (
    SELECT d.seq FROM subscriptions s JOIN deliveries d ON d.subscription_id = s.id
    WHERE s.deleted
    LIMIT sqlc.arg(lim));

-- name: DeleteEmptyDeletedSubscriptions :execrows
DELETE FROM subscriptions
WHERE deleted AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscription_id = subscriptions.id);
