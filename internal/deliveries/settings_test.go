package deliveries_test

import (
	"context"
	"testing"

	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestSettingsChangedElsewhere: a subscription changed where this node
// cannot see it (another node's service, another subsystem writing it
// in its own transaction) aims the next delivery this node claims after
// the change, though it just sent with the old settings and the test's
// clock stands still.
func TestSettingsChangedElsewhere(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	before, after := deliverytest.New(t), deliverytest.New(t)
	sub := subscribe(t, b, "app", park.ReportEntry, before.URL)
	run(t, b)
	visits(t, b, "A", 1)
	waitFor(t, "the first entry at the old URL", func() bool { return len(before.Acked()) == 1 })
	err := b.Store.Update(context.Background(), func(tx park.Tx) error {
		cur, err := tx.GetSubscription(b.Ctx, sub.ID)
		if err != nil {
			return err
		}
		cur.URL = after.URL
		return tx.UpdateSubscription(b.Ctx, cur)
	})
	if err != nil {
		t.Fatal(err)
	}
	visits(t, b, "B", 1)
	waitFor(t, "the second entry sent", func() bool { return before.Len()+after.Len() == 2 })
	if before.Len() != 1 || after.Len() != 1 {
		t.Fatalf("old URL got %d, new URL %d: want the entry after the change at the new URL", before.Len(), after.Len())
	}
}
