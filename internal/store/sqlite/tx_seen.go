package sqlite

import (
	"context"
	"time"

	"parkd/internal/store/sqlite/db"
)

func (t *txn) MarkSeen(ctx context.Context, partnerID, digest string, at, cutoff time.Time) (bool, error) {
	if err := t.q.ForgetSeen(stmtCtx, db.ForgetSeenParams{PartnerID: partnerID, Digest: digest, SeenAt: us(cutoff)}); err != nil {
		return false, mapErr(err)
	}
	n, err := t.q.MarkSeen(stmtCtx, db.MarkSeenParams{PartnerID: partnerID, Digest: digest, SeenAt: us(at)})
	if err != nil {
		return false, mapErr(err)
	}
	return n == 1, nil
}

func (t *txn) DeleteSeenBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	n, err := t.q.DeleteSeenBefore(stmtCtx, db.DeleteSeenBeforeParams{SeenAt: us(before), Limit: int64(limit)})
	return int(n), mapErr(err)
}
