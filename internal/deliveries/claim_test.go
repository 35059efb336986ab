package deliveries_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// claimCounter is a store that counts the worker's looks for due
// deliveries and its claims in write transactions.
type claimCounter struct {
	park.Store
	looks  atomic.Int64 // searches for due deliveries, in any transaction
	claims atomic.Int64 // claims made in a write transaction
}

func (c *claimCounter) Update(ctx context.Context, fn func(park.Tx) error) error {
	return c.Store.Update(ctx, func(tx park.Tx) error { return fn(claimCounterTx{tx, c}) })
}

func (c *claimCounter) View(ctx context.Context, fn func(park.Tx) error) error {
	return c.Store.View(ctx, func(tx park.Tx) error { return fn(claimCounterTx{tx, c}) })
}

type claimCounterTx struct {
	park.Tx
	c *claimCounter
}

func (t claimCounterTx) DueDeliveries(ctx context.Context, now time.Time, limit int, skip []string) ([]int64, error) {
	t.c.looks.Add(1)
	return t.Tx.DueDeliveries(ctx, now, limit, skip)
}

func (t claimCounterTx) ClaimDueDeliveries(ctx context.Context, seqs []int64, now, lease time.Time) ([]*park.Delivery, error) {
	t.c.claims.Add(1)
	return t.Tx.ClaimDueDeliveries(ctx, seqs, now, lease)
}

// TestNothingDueTakesNoWriter: a disabled subscription keeps its
// deliveries, and a busy lot's can pile up by the hundred thousand. The
// worker looks for due deliveries every poll; with none it can send it
// opens no write transaction, for on SQLite a write transaction holds
// the one writer, and every camera event at a barrier waited behind each
// look through the pile (measured: gate answers from 2 ms to 250-700 ms
// with 100,000 kept). Once the subscription is enabled again, its
// deliveries are claimed and sent.
func TestNothingDueTakesNoWriter(t *testing.T) {
	cc := &claimCounter{}
	b := systemtest.NewWith(t, systemtest.Options{WrapStore: func(s park.Store) park.Store { cc.Store = s; return cc }})
	partner(t, b, "app")
	rc := deliverytest.New(t)
	off := false
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Enabled: &off})
	visits(t, b, "N", 5)
	run(t, b)
	waitFor(t, "the worker to look for due deliveries 5 times", func() bool { return cc.looks.Load() >= 5 })
	if n := cc.claims.Load(); n != 0 {
		t.Errorf("%d write transactions claimed deliveries while none could be sent", n)
	}
	on := true
	if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the 5 entries kept, delivered once enabled", func() bool { return len(rc.Acked()) == 5 })
}
