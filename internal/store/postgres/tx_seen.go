package postgres

import (
	"context"
	"time"

	"parkd/internal/store/postgres/db"
)

func (t *txn) MarkSeen(ctx context.Context, partnerID, digest string, at, cutoff time.Time) (bool, error) {
	if err := t.q.ForgetSeen(ctx, db.ForgetSeenParams{PartnerID: partnerID, Digest: digest, SeenAt: ts(cutoff)}); err != nil {
		return false, mapErr(err)
	}
	n, err := t.q.MarkSeen(ctx, db.MarkSeenParams{PartnerID: partnerID, Digest: digest, SeenAt: ts(at)})
	if err != nil {
		return false, mapErr(err)
	}
	return n == 1, nil
}

func (t *txn) DeleteSeenBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	n, err := t.q.DeleteSeenBefore(ctx, db.DeleteSeenBeforeParams{SeenAt: ts(before), Limit: int32(limit)})
	return int(n), mapErr(err)
}
