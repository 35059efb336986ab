-- A request is new when no row holds it, or the row is older than the
-- window: ForgetSeen drops such an old row, then MarkSeen records the
-- request; MarkSeen affecting no row means a replay.
-- name: ForgetSeen :exec
DELETE FROM seen_requests WHERE partner_id = ? AND digest = ? AND seen_at < ?;

-- name: MarkSeen :execrows
INSERT INTO seen_requests (partner_id, digest, seen_at) VALUES (?, ?, ?)
ON CONFLICT (partner_id, digest) DO NOTHING;

-- name: DeleteSeenBefore :execrows
DELETE FROM seen_requests WHERE rowid IN (SELECT s.rowid FROM seen_requests s WHERE s.seen_at < ? LIMIT ?);
