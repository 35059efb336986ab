package storetest

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

// testDeleteSubscriptionLater: deleting a subscription is one short
// write; from then on none of its deliveries is sent, read, listed or
// redelivered, nor waited for by its partner's later reports of their
// key, and PruneDeletedSubscriptions deletes them a bounded batch at a
// time, then the subscription. Another subscription's deliveries stay as
// they were.
func testDeleteSubscriptionLater(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.partner("P2", "L1")
	b.subscribe("gone", "P1", park.ReportEntry, true)
	b.subscribe("kept", "P2", park.ReportEntry, true)
	const reports, batch = 1200, 500 // more than two batches
	for i := range reports {
		b.enqueue(newReport(fmt.Sprintf("r%04d", i), park.ReportEntry, "L1", fmt.Sprintf("k%04d", i), base))
	}
	all := func(f park.DeliveryFilter) []*park.Delivery {
		t.Helper()
		f.Limit = 3 * reports
		return b.list(f)
	}
	goneDs := all(park.DeliveryFilter{SubscriptionID: "gone"})
	keptDs := all(park.DeliveryFilter{SubscriptionID: "kept"})
	if len(goneDs) != reports || len(keptDs) != reports {
		t.Fatalf("%d and %d deliveries, want %d each", len(goneDs), len(keptDs), reports)
	}
	var goneSeqs []int64
	for _, d := range goneDs {
		goneSeqs = append(goneSeqs, d.Seq)
	}
	now := base.Add(time.Hour)
	due := func() map[int64]bool {
		t.Helper()
		var seqs []int64
		must(t, s.View(ctx, func(tx park.Tx) (err error) { seqs, err = tx.DueDeliveries(ctx, now, 3*reports, nil); return }))
		out := map[int64]bool{}
		for _, q := range seqs {
			out[q] = true
		}
		return out
	}
	// An exit of the first entry's key, to another of P1's subscriptions,
	// waits behind that entry's delivery.
	b.subscribe("later", "P1", park.ReportExit, true)
	b.enqueue(newReport("x0000", park.ReportExit, "L1", "k0000", base))
	later := b.find("later", "x0000")
	if due()[later.Seq] {
		t.Fatal("the exit is due before the entry of its key was sent")
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.DeleteSubscription(ctx, "gone") }))

	t.Run("GoneFromReads", func(t *testing.T) {
		var subs []*park.Subscription
		must(t, s.View(ctx, func(tx park.Tx) (err error) { subs, err = tx.ListSubscriptions(ctx, ""); return }))
		if len(subs) != 2 || subs[0].ID != "kept" || subs[1].ID != "later" {
			t.Fatalf("subscriptions %+v, want kept and later", subs)
		}
		must(t, s.View(ctx, func(tx park.Tx) (err error) { subs, err = tx.ListSubscriptions(ctx, "P1"); return }))
		if len(subs) != 1 || subs[0].ID != "later" {
			t.Fatalf("P1's subscriptions %+v, want later only", subs)
		}
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetSubscription(ctx, "gone"); return err }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeleteSubscription(ctx, "gone") }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error {
			return tx.UpdateSubscription(ctx, newSubscription("gone", "P1", park.ReportEntry))
		}),
			park.ENotFound)
		var on bool
		must(t, s.View(ctx, func(tx park.Tx) (err error) { on, err = tx.Subscribed(ctx, "L1", park.ReportEntry); return }))
		if !on {
			t.Fatal("L1's entries are no longer subscribed to, though kept is")
		}
	})
	t.Run("NotListed", func(t *testing.T) {
		for _, f := range []park.DeliveryFilter{{}, {PartnerID: "P1"}, {SubscriptionID: "gone"}, {State: park.DeliveryPending},
			{Report: park.ReportEntry}} {
			for _, d := range all(f) {
				if d.SubscriptionID == "gone" {
					t.Fatalf("%+v lists %s", f, d.ID)
				}
			}
		}
		if got := all(park.DeliveryFilter{}); len(got) != reports+1 {
			t.Fatalf("%d deliveries listed, want kept's %d and later's", len(got), reports)
		}
		_, err := b.getDelivery(goneDs[0].ID)
		wantCode(t, err, park.ENotFound)
	})
	t.Run("NotCounted", func(t *testing.T) {
		// The state counts operators see, and the queue depth metric:
		// kept's entries and later's exit, all pending; none of gone's.
		var counts []park.DeliveryCount
		must(t, s.View(ctx, func(tx park.Tx) (err error) { counts, err = tx.CountDeliveries(ctx); return }))
		if len(counts) != 1 || counts[0].State != park.DeliveryPending || counts[0].Count != reports+1 {
			t.Fatalf("counts %+v before the cleanup, want kept's %d and later's pending", counts, reports)
		}
	})
	t.Run("NotReplayed", func(t *testing.T) {
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverSince(ctx, "gone", base, base); return }))
		if n != 0 {
			t.Fatalf("RedeliverSince of the deleted subscription made %d pending again", n)
		}
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverReport(ctx, "r0000", "", base); return }))
		if n != 1 {
			t.Fatalf("RedeliverReport made %d pending again, want kept's 1", n)
		}
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverReport(ctx, "r0000", "gone", base); return }))
		if n != 0 {
			t.Fatalf("RedeliverReport to the deleted subscription made %d pending again", n)
		}
	})
	t.Run("NotDelivered", func(t *testing.T) {
		want := map[int64]bool{later.Seq: true}
		for _, d := range keptDs {
			want[d.Seq] = true
		}
		if got := due(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%d due, want kept's %d and later's", len(got), reports)
		}
		var ds []*park.Delivery
		must(t, update(t, s, func(tx park.Tx) (err error) {
			ds, err = tx.ClaimDueDeliveries(ctx, goneSeqs, now, now.Add(time.Minute))
			return
		}))
		if len(ds) != 0 {
			t.Fatalf("claimed %d deliveries of the deleted subscription", len(ds))
		}
	})

	// The cleanup: batches of at most batch, then the subscription.
	var got []int
	for {
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.PruneDeletedSubscriptions(ctx, batch); return }))
		got = append(got, n)
		if n < batch {
			break
		}
	}
	if want := []int{batch, batch, reports - 2*batch}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("batches deleted %v, want %v", got, want)
	}
	var counts []park.DeliveryCount
	must(t, s.View(ctx, func(tx park.Tx) (err error) { counts, err = tx.CountDeliveries(ctx); return }))
	if len(counts) != 1 || counts[0].State != park.DeliveryPending || counts[0].Count != reports+1 {
		t.Fatalf("counts %+v after the cleanup, want kept's %d and later's pending", counts, reports)
	}
	// The row is gone too: its id may be taken again, with no delivery.
	b.subscribe("gone", "P1", park.ReportEntry, true)
	if ds := all(park.DeliveryFilter{SubscriptionID: "gone"}); len(ds) != 0 {
		t.Fatalf("the new subscription gone has %d deliveries", len(ds))
	}
	if ds := all(park.DeliveryFilter{SubscriptionID: "kept"}); len(ds) != reports {
		t.Fatalf("kept has %d deliveries, want %d", len(ds), reports)
	}
}
