-- name: CreateSubscription :exec
INSERT INTO subscriptions (id, partner_id, report, url, format, enabled, secret, previous, rate_limit, concurrency,
                           timeout_ms, schedule_ms, disabled_by, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- A deleted subscription (DeleteSubscription) is read by none of these.
-- name: GetSubscription :one
SELECT * FROM subscriptions WHERE id = ? AND deleted = 0;

-- name: ListSubscriptions :many
SELECT * FROM subscriptions WHERE deleted = 0 ORDER BY id;

-- name: ListPartnerSubscriptions :many
SELECT * FROM subscriptions WHERE partner_id = ? AND deleted = 0 ORDER BY id;

-- name: UpdateSubscription :execrows
UPDATE subscriptions
SET report = ?, url = ?, format = ?, enabled = ?, secret = ?, previous = ?, rate_limit = ?, concurrency = ?,
    timeout_ms = ?, schedule_ms = ?, disabled_by = ?, updated_at = ?, version = version + 1
WHERE id = ? AND version = ? AND deleted = 0;

-- Deleting marks a subscription deleted, and disabled, in one short
-- write: its deliveries, possibly very many, would hold the one
-- writer for long (the cascade). Nothing reads them from then on;
-- PruneDeletedSubscriptions removes them in batches, then the row.
-- name: DeleteSubscription :execrows
UPDATE subscriptions SET deleted = 1, enabled = 0, version = version + 1 WHERE id = ? AND deleted = 0;

-- A partner's pause (park.Tx PauseSubscription): only while the
-- subscription is enabled with the url the attempt that heard it was
-- sent to, only ever later; the version does not move.
-- name: PauseSubscription :exec
UPDATE subscriptions SET paused_until = sqlc.arg(until)
WHERE id = sqlc.arg(id) AND url = sqlc.arg(url) AND enabled = 1 AND deleted = 0
  AND (paused_until IS NULL OR paused_until < sqlc.arg(until));

-- name: LiftPause :exec
UPDATE subscriptions SET paused_until = NULL WHERE id = ? AND paused_until IS NOT NULL;

-- name: Subscribed :one
SELECT EXISTS (
    SELECT 1 FROM subscriptions s
    JOIN partner_lots pl ON pl.partner_id = s.partner_id AND pl.lot_code = sqlc.arg(lot_code)
    WHERE s.report = sqlc.arg(kind) AND s.deleted = 0
) AS subscribed;

-- name: InsertReport :one
INSERT INTO reports (id, kind, lot_code, key, at, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq;

-- EnqueueDeliveries fans a report out in one statement: a pending delivery,
-- created and due at at (the report's Due), for every subscription to its kind of a partner
-- that may use its lot. The id is the report's and the subscription's,
-- unique because a subscription id never holds ':'.
-- name: EnqueueDeliveries :execrows
INSERT INTO deliveries (id, subscription_id, report_id, partner_id, report, lot_code, key, state, next_at, created_at)
SELECT CAST(sqlc.arg(report_id) AS TEXT) || ':' || s.id, s.id, sqlc.arg(report_id), s.partner_id, s.report,
       pl.lot_code, CAST(sqlc.arg(key) AS TEXT), 'pending', CAST(sqlc.arg(at) AS INTEGER), CAST(sqlc.arg(at) AS INTEGER)
FROM subscriptions s
JOIN partner_lots pl ON pl.partner_id = s.partner_id AND pl.lot_code = sqlc.arg(lot_code)
WHERE s.report = sqlc.arg(kind) AND s.deleted = 0;

-- name: GetReport :one
SELECT * FROM reports WHERE id = ?;

-- ids is a JSON array (a list bound as one parameter).
-- name: GetReports :many
SELECT * FROM reports WHERE id IN (SELECT value FROM json_each(CAST(sqlc.arg(ids) AS TEXT)));

-- "Still to be delivered" is neither delivered nor dead: pending, failed
-- or sending, as the partial indexes deliveries_sub_due and
-- deliveries_order hold; a disabled subscription's count too, as they are
-- sent once it is enabled again, and the later reports of their key wait
-- for them. A deleted subscription's, left for the prune, are not.
--
-- DueDeliveries finds, in a read transaction, what is due (park.Tx
-- DueDeliveries has the rules), without claiming it. The store asks
-- DueOfSubscription once for each enabled subscription (EnabledSubscriptions)
-- and keeps the oldest: a disabled subscription's backlog, which grows for
-- as long as it is off, is never walked, and within one subscription the
-- walk goes from the longest due (then the oldest) and stops at the limit
-- or at the first not due yet: retries due later are not read. A sending
-- delivery was due when claimed (next_at is before its lease's end), so
-- an expired claim is in the same range. INDEXED BY because SQLite keeps
-- no statistics: it would read every unfinished delivery of the
-- subscription through deliveries_subscription and sort them. A
-- subscription whose partner asked for a pause (paused_until, after now)
-- is left out until it ends.
-- name: EnabledSubscriptions :many
SELECT id FROM subscriptions
WHERE enabled = 1 AND (paused_until IS NULL OR paused_until <= CAST(sqlc.arg(now) AS INTEGER))
ORDER BY id;

-- name: DueOfSubscription :many
SELECT d.seq FROM deliveries d INDEXED BY deliveries_sub_due
WHERE d.subscription_id = sqlc.arg(subscription_id)
  AND d.state IN ('pending', 'failed', 'sending')
  AND d.next_at <= sqlc.arg(now)
  AND (d.state IN ('pending', 'failed') OR d.lease_until <= sqlc.arg(now))
  AND NOT EXISTS (
      SELECT 1 FROM deliveries e
      WHERE e.partner_id = d.partner_id AND e.key = d.key AND e.seq < d.seq AND e.report_id <> d.report_id
        AND e.state IN ('pending', 'failed', 'sending')
        AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1))
  AND (d.after_key = '' OR NOT EXISTS (
      SELECT 1 FROM deliveries e
      WHERE e.partner_id = d.partner_id AND e.key = d.after_key AND e.seq < d.seq
        AND e.state IN ('pending', 'failed', 'sending')
        AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1)))
  AND (d.after_key = '' OR d.after_key <> d.key OR NOT EXISTS (
      SELECT 1 FROM deliveries e
      WHERE e.partner_id = d.partner_id AND e.after_key = d.key AND e.seq < d.seq
        AND e.state IN ('pending', 'failed', 'sending')
        AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1)))
ORDER BY d.next_at, d.seq
LIMIT sqlc.arg(lim);

-- ClaimDueDeliveries: among the deliveries seqs (a JSON array) names,
-- those DueDeliveries found, each still due by the same
-- rules is claimed, reached by its seq, so the writer is held only for
-- those.
-- name: ClaimDueDeliveries :many
UPDATE deliveries SET state = 'sending', lease_until = sqlc.arg(lease), replayed = 0
WHERE seq IN (
    SELECT d.seq FROM deliveries d
    JOIN subscriptions s ON s.id = d.subscription_id
    WHERE d.seq IN (SELECT value FROM json_each(CAST(sqlc.arg(seqs) AS TEXT)))
      AND d.state IN ('pending', 'failed', 'sending')
      AND ((d.state IN ('pending', 'failed') AND d.next_at <= sqlc.arg(now))
           OR (d.state = 'sending' AND d.lease_until <= sqlc.arg(now)))
      AND s.enabled = 1
      AND (s.paused_until IS NULL OR s.paused_until <= sqlc.arg(now))
      AND NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.key = d.key AND e.seq < d.seq AND e.report_id <> d.report_id
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1))
      AND (d.after_key = '' OR NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.key = d.after_key AND e.seq < d.seq
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1)))
      AND (d.after_key = '' OR d.after_key <> d.key OR NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.partner_id = d.partner_id AND e.after_key = d.key AND e.seq < d.seq
            AND e.state IN ('pending', 'failed', 'sending')
            AND e.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1))))
RETURNING *;

-- ClaimLoads: the limits of the subscriptions of the deliveries seqs (a
-- JSON array) names, how far their rate's slots are used, and what
-- every node has in flight for each (under a claim not over at now,
-- through deliveries_sending), with which of seqs are theirs (a
-- comma-separated list).
-- name: ClaimLoads :many
SELECT s.id, s.rate_limit, s.concurrency, s.slots_until,
       CAST(group_concat(d.seq) AS TEXT) AS seqs,
       (SELECT count(*) FROM deliveries f INDEXED BY deliveries_sending
        WHERE f.subscription_id = s.id AND f.state = 'sending' AND f.lease_until > sqlc.arg(now)) AS in_flight
FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
WHERE d.seq IN (SELECT value FROM json_each(CAST(sqlc.arg(seqs) AS TEXT)))
GROUP BY s.id
ORDER BY s.id;

-- Not an operator's change: the version does not move.
-- name: UseSlots :exec
UPDATE subscriptions SET slots_until = sqlc.arg(until) WHERE id = sqlc.arg(id);

-- A slot given back (park.Tx ReturnSlots), us microseconds of it.
-- name: ReturnSlots :exec
UPDATE subscriptions SET slots_until = slots_until - CAST(sqlc.arg(us) AS INTEGER)
WHERE id = sqlc.arg(id) AND slots_until IS NOT NULL;

-- Only under the claim that sent it: once its lease ran out another
-- node may hold a newer claim, whose outcome this must not overwrite.
-- One an operator redelivered while it was sent (RedeliverSince's mark,
-- replayed) is pending again, due when the replay asked (its next_at
-- kept), its schedule started over, this attempt's answer kept as its
-- last.
-- name: FinishDelivery :execrows
UPDATE deliveries
SET state = CASE WHEN replayed = 1 THEN 'pending' ELSE CAST(sqlc.arg(state) AS TEXT) END,
    attempts = CASE WHEN replayed = 1 THEN 0 ELSE CAST(sqlc.arg(attempts) AS INTEGER) END,
    next_at = CASE WHEN replayed = 1 THEN next_at ELSE CAST(sqlc.arg(next_at) AS INTEGER) END,
    delivered_at = CASE WHEN replayed = 1 THEN NULL ELSE sqlc.narg(delivered_at) END,
    replayed = 0, lease_until = NULL, last_attempt_at = sqlc.narg(last_attempt_at), last_status = sqlc.arg(last_status), last_reply = sqlc.arg(last_reply)
WHERE id = sqlc.arg(id) AND state = 'sending' AND lease_until = sqlc.arg(lease);

-- A deleted subscription's deliveries are read by none of these, nor
-- redelivered: the set of deleted ones, most often empty, is read once.
-- name: GetDelivery :one
SELECT * FROM deliveries WHERE deliveries.id = ? AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1);

-- The listings, newest first: one per leading filter so each walks its
-- index; the other filters apply to what it walks.
-- name: ListDeliveries :many
SELECT * FROM deliveries
WHERE (sqlc.arg(report) = '' OR deliveries.report = sqlc.arg(report))
  AND (sqlc.arg(state) = '' OR deliveries.state = sqlc.arg(state))
  AND deliveries.created_at >= sqlc.arg(since)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1)
  AND deliveries.seq < sqlc.arg(before_seq)
ORDER BY deliveries.seq DESC
LIMIT sqlc.arg(lim);

-- name: ListDeliveriesBySubscription :many
SELECT * FROM deliveries
WHERE deliveries.subscription_id = sqlc.arg(subscription_id)
  AND (sqlc.arg(partner_id) = '' OR deliveries.partner_id = sqlc.arg(partner_id))
  AND (sqlc.arg(report) = '' OR deliveries.report = sqlc.arg(report))
  AND (sqlc.arg(state) = '' OR deliveries.state = sqlc.arg(state))
  AND deliveries.created_at >= sqlc.arg(since)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1)
  AND deliveries.seq < sqlc.arg(before_seq)
ORDER BY deliveries.seq DESC
LIMIT sqlc.arg(lim);

-- name: ListDeliveriesByPartner :many
SELECT * FROM deliveries
WHERE deliveries.partner_id = sqlc.arg(partner_id)
  AND (sqlc.arg(report) = '' OR deliveries.report = sqlc.arg(report))
  AND (sqlc.arg(state) = '' OR deliveries.state = sqlc.arg(state))
  AND deliveries.created_at >= sqlc.arg(since)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1)
  AND deliveries.seq < sqlc.arg(before_seq)
ORDER BY deliveries.seq DESC
LIMIT sqlc.arg(lim);

-- name: ListDeliveriesByState :many
SELECT * FROM deliveries
WHERE deliveries.state = sqlc.arg(state)
  AND (sqlc.arg(report) = '' OR deliveries.report = sqlc.arg(report))
  AND deliveries.created_at >= sqlc.arg(since)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1)
  AND deliveries.seq < sqlc.arg(before_seq)
ORDER BY deliveries.seq DESC
LIMIT sqlc.arg(lim);

-- Redelivering starts a delivery's schedule again, due at once (next_at
-- now). One under a claim not over (an attempt may be under way) stays
-- sending under it, counted in flight (ClaimLoads), so that a replay
-- never opens more requests than the subscription's concurrency; it is
-- marked replayed, and FinishDelivery, seeing the mark, makes it pending
-- again, due already, rather than storing the attempt's end. A claim
-- after its lease ran out is the replay's attempt: it clears the mark.
-- name: RedeliverSince :execrows
UPDATE deliveries
SET state = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > CAST(sqlc.arg(now) AS INTEGER) THEN 'sending' ELSE 'pending' END,
    attempts = 0, delivered_at = NULL,
    next_at = CAST(sqlc.arg(now) AS INTEGER),
    replayed = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > CAST(sqlc.arg(now) AS INTEGER) THEN 1 ELSE 0 END,
    lease_until = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > CAST(sqlc.arg(now) AS INTEGER) THEN deliveries.lease_until END
WHERE deliveries.subscription_id = sqlc.arg(subscription_id) AND deliveries.created_at >= sqlc.arg(since)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1);

-- Lifting a partner's pause: what it held back (due when it ends, at
-- held_until) is due now, its attempts kept; a retry due at a time of its
-- own keeps it. Only the subscription's rows due then are read
-- (deliveries_sub_due).
-- name: ResumeDeliveries :execrows
UPDATE deliveries SET next_at = sqlc.arg(now)
WHERE deliveries.subscription_id = sqlc.arg(subscription_id) AND deliveries.state IN ('pending', 'failed')
  AND deliveries.next_at = sqlc.arg(held_until) AND deliveries.next_at > sqlc.arg(now)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1);

-- A subscription moved to a new address: every delivery of it waiting
-- for a later retry (pending or failed) is due now, its attempts kept.
-- Only the subscription's rows due later are read (deliveries_sub_due).
-- name: RetryDeliveriesNow :execrows
UPDATE deliveries SET next_at = sqlc.arg(now)
WHERE deliveries.subscription_id = sqlc.arg(subscription_id) AND deliveries.state IN ('pending', 'failed')
  AND deliveries.next_at > sqlc.arg(now)
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1);

-- As RedeliverSince, for one report.
-- name: RedeliverReport :execrows
UPDATE deliveries
SET state = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > CAST(sqlc.arg(now) AS INTEGER) THEN 'sending' ELSE 'pending' END,
    attempts = 0, delivered_at = NULL,
    next_at = CAST(sqlc.arg(now) AS INTEGER),
    replayed = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > CAST(sqlc.arg(now) AS INTEGER) THEN 1 ELSE 0 END,
    lease_until = CASE WHEN deliveries.state = 'sending' AND deliveries.lease_until > CAST(sqlc.arg(now) AS INTEGER) THEN deliveries.lease_until END
WHERE deliveries.report_id = sqlc.arg(report_id)
  AND (sqlc.arg(subscription_id) = '' OR deliveries.subscription_id = sqlc.arg(subscription_id))
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1);

-- The states but delivered, named so each is a range of deliveries_state.
-- A deleted subscription's deliveries are not counted: they will never
-- be sent. Each row is read anyway for its created_at.
-- name: CountDeliveries :many
SELECT state, count(*) AS n, CAST(min(created_at) AS INTEGER) AS oldest
FROM deliveries WHERE state IN ('pending', 'sending', 'failed', 'dead')
  AND deliveries.subscription_id NOT IN (SELECT g.id FROM subscriptions g WHERE g.deleted = 1)
GROUP BY state ORDER BY state;

-- The retention. A finished delivery's last change is when it was
-- delivered, else its last attempt, else its creation: the expression
-- deliveries_finished is ordered by, written the same so SQLite matches
-- it, and INDEXED BY as in DueOfSubscription. before is bound as it is:
-- CAST(? AS INTEGER) hides the range from the planner, which then walks
-- the whole index on every batch. A disabled subscription's
-- deliveries are all kept, to be replayed once it is enabled again.
-- name: PruneFinishedDeliveries :many
DELETE FROM deliveries WHERE seq IN (
    SELECT d.seq FROM deliveries d INDEXED BY deliveries_finished
    WHERE d.state IN ('delivered', 'dead')
      AND coalesce(d.delivered_at, d.last_attempt_at, d.created_at) < sqlc.arg(before)
      AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = d.subscription_id AND s.enabled = 1)
    ORDER BY coalesce(d.delivered_at, d.last_attempt_at, d.created_at)
    LIMIT sqlc.arg(lim))
RETURNING report_id;

-- ids is a JSON array: the reports whose deliveries were just pruned.
-- The probe for a delivery left is the (report_id, subscription_id)
-- constraint's index.
-- name: PruneReportsByID :execrows
DELETE FROM reports
WHERE id IN (SELECT value FROM json_each(CAST(sqlc.arg(ids) AS TEXT)))
  AND at < sqlc.arg(before)
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.report_id = reports.id);

-- WalkOldReports reads the next reports at before before after the
-- cursor (after_at, after_seq), in reports_at's order (at, then the rowid
-- seq), and whether any delivery still refers to each.
-- name: WalkOldReports :many
SELECT r.seq, r.at, EXISTS (SELECT 1 FROM deliveries d WHERE d.report_id = r.id) AS needed
FROM reports r
WHERE r.at < sqlc.arg(before)
  AND r.at >= sqlc.arg(after_at) AND (r.at > sqlc.arg(after_at) OR r.seq > sqlc.arg(after_seq))
ORDER BY r.at, r.seq
LIMIT sqlc.arg(lim);

-- seqs is a JSON array: those the walk found unneeded, tested again as
-- the foreign key would refuse the delete of a report still referred to.
-- name: DeleteUnneededReports :execrows
DELETE FROM reports
WHERE seq IN (SELECT value FROM json_each(CAST(sqlc.arg(seqs) AS TEXT)))
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.report_id = reports.id);

-- A deleted subscription's deliveries, a batch (the cascade would delete
-- them all in one transaction), then the subscriptions left with none.
-- name: PruneDeletedSubscriptionDeliveries :execrows
DELETE FROM deliveries WHERE seq IN (
    SELECT d.seq FROM subscriptions s JOIN deliveries d ON d.subscription_id = s.id
    WHERE s.deleted = 1
    LIMIT sqlc.arg(lim));

-- name: DeleteEmptyDeletedSubscriptions :execrows
DELETE FROM subscriptions
WHERE deleted = 1 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscription_id = subscriptions.id);
