package deliveries

import (
	"context"
	"time"

	"parkd/internal/park"
)

// Prune deletes what the retention no longer keeps: finished deliveries
// (delivered or dead) last changed more than Options.Retention ago, and
// reports none of whose deliveries is left once they are that old too. A
// delivery still to be sent, and every delivery of a disabled
// subscription, is kept whatever its age. It deletes a bounded batch per
// transaction (Options.PruneBatch), so that SQLite's one writer, which
// every gate event needs, is never held long, and stops between batches
// when ctx ends (the next run goes on). Deleting is idempotent: nodes
// pruning one database at once delete nothing twice. It returns how many
// deliveries and reports it deleted. First, whatever the retention, it
// deletes the deliveries of deleted subscriptions, and then those
// subscriptions (DeleteSubscription leaves them to it); with no retention
// it does nothing more.
func (s *Service) Prune(ctx context.Context) (deliveries, reports int, err error) {
	batch := s.opts.PruneBatch
	if deliveries, err = s.pruneDeleted(ctx); err != nil {
		return deliveries, 0, err
	}
	horizon := s.PrunedBefore()
	if horizon.IsZero() {
		return deliveries, 0, ctx.Err()
	}
	for ctx.Err() == nil {
		var nd, nr int
		if err := s.base.Write(ctx, func(tx park.Tx) (err error) {
			nd, nr, err = tx.PruneDeliveries(ctx, horizon, batch)
			return err
		}); err != nil {
			return deliveries, reports, err
		}
		deliveries, reports = deliveries+nd, reports+nr
		s.metrics.DeliveriesPruned(nd, nr)
		if nd < batch {
			break
		}
	}
	// Reports left with no delivery by other means: their subscription
	// deleted, or their own time later than their deliveries'.
	var cur park.ReportCursor
	for ctx.Err() == nil {
		var n int
		if err := s.base.Write(ctx, func(tx park.Tx) (err error) {
			n, cur, err = tx.PruneReports(ctx, horizon, cur, batch)
			return err
		}); err != nil {
			return deliveries, reports, err
		}
		reports += n
		s.metrics.DeliveriesPruned(0, n)
		if cur == (park.ReportCursor{}) {
			break
		}
	}
	return deliveries, reports, ctx.Err()
}

// PrunedBefore is the retention's horizon now: finished deliveries last
// changed before it have been, or are about to be, deleted, and cannot be
// replayed. The zero time when they are kept forever.
func (s *Service) PrunedBefore() time.Time {
	if s.opts.Retention <= 0 {
		return time.Time{}
	}
	return s.base.Clock().Add(-s.opts.Retention)
}

// pruneDeleted deletes the deliveries of deleted subscriptions, a batch a
// transaction, then those subscriptions, and returns how many deliveries
// it deleted.
func (s *Service) pruneDeleted(ctx context.Context) (deliveries int, err error) {
	batch := s.opts.PruneBatch
	for ctx.Err() == nil {
		var n int
		if err := s.base.Write(ctx, func(tx park.Tx) (err error) {
			n, err = tx.PruneDeletedSubscriptions(ctx, batch)
			return err
		}); err != nil {
			return deliveries, err
		}
		deliveries += n
		s.metrics.DeliveriesPruned(n, 0)
		if n < batch {
			break
		}
	}
	return deliveries, ctx.Err()
}
