package storetest

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

// testDeletePartnerLater: deleting a partner with many deliveries is one
// short write, as deleting a subscription is: its subscriptions are gone
// from every read, their deliveries are neither sent, read, listed,
// counted nor redelivered, and PruneDeletedSubscriptions deletes them in
// bounded batches later. Another partner's stay as they were, and the
// partner's id may be taken again at once, with none of the old ones.
func testDeletePartnerLater(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.partner("P2", "L1")
	b.subscribe("p1-entry", "P1", park.ReportEntry, true)
	b.subscribe("p1-exit", "P1", park.ReportExit, false) // a disabled one goes too
	b.subscribe("kept", "P2", park.ReportEntry, true)
	const reports, batch = 1100, 500
	for i := range reports {
		b.enqueue(newReport(fmt.Sprintf("r%04d", i), park.ReportEntry, "L1", fmt.Sprintf("k%04d", i), base))
	}
	b.enqueue(newReport("x0000", park.ReportExit, "L1", "k0000", base))
	all := func(f park.DeliveryFilter) []*park.Delivery {
		t.Helper()
		f.Limit = 3 * reports
		return b.list(f)
	}
	gone := all(park.DeliveryFilter{PartnerID: "P1"})
	if len(gone) != reports+1 {
		t.Fatalf("P1 has %d deliveries, want %d", len(gone), reports+1)
	}
	var goneSeqs []int64
	for _, d := range gone {
		goneSeqs = append(goneSeqs, d.Seq)
	}
	keptDs := all(park.DeliveryFilter{SubscriptionID: "kept"})
	must(t, update(t, s, func(tx park.Tx) error { return tx.DeletePartner(ctx, "P1") }))
	now := base.Add(time.Hour)

	t.Run("GoneFromReads", func(t *testing.T) {
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetPartner(ctx, "P1"); return err }), park.ENotFound)
		var subs []*park.Subscription
		must(t, s.View(ctx, func(tx park.Tx) (err error) { subs, err = tx.ListSubscriptions(ctx, ""); return }))
		if len(subs) != 1 || subs[0].ID != "kept" {
			t.Fatalf("subscriptions %+v, want kept only", subs)
		}
		must(t, s.View(ctx, func(tx park.Tx) (err error) { subs, err = tx.ListSubscriptions(ctx, "P1"); return }))
		if len(subs) != 0 {
			t.Fatalf("the deleted P1 has subscriptions %+v", subs)
		}
		for _, id := range []string{"p1-entry", "p1-exit"} {
			wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetSubscription(ctx, id); return err }), park.ENotFound)
			wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeleteSubscription(ctx, id) }), park.ENotFound)
		}
		var on bool
		must(t, s.View(ctx, func(tx park.Tx) (err error) { on, err = tx.Subscribed(ctx, "L1", park.ReportExit); return }))
		if on {
			t.Fatal("L1's exits are still subscribed to, though only P1 wanted them")
		}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeletePartner(ctx, "P1") }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error {
			return tx.CreateSubscription(ctx, newSubscription("new", "P1", park.ReportEntry))
		}),
			park.ENotFound)
	})
	t.Run("NotListedNorCounted", func(t *testing.T) {
		for _, f := range []park.DeliveryFilter{{}, {PartnerID: "P1"}, {SubscriptionID: "p1-entry"}, {State: park.DeliveryPending}} {
			for _, d := range all(f) {
				if d.PartnerID == "P1" {
					t.Fatalf("%+v lists %s", f, d.ID)
				}
			}
		}
		if got := all(park.DeliveryFilter{}); len(got) != reports {
			t.Fatalf("%d deliveries listed, want kept's %d", len(got), reports)
		}
		_, err := b.getDelivery(gone[0].ID)
		wantCode(t, err, park.ENotFound)
		var counts []park.DeliveryCount
		must(t, s.View(ctx, func(tx park.Tx) (err error) { counts, err = tx.CountDeliveries(ctx); return }))
		if len(counts) != 1 || counts[0].State != park.DeliveryPending || counts[0].Count != reports {
			t.Fatalf("counts %+v, want kept's %d pending", counts, reports)
		}
	})
	t.Run("NotReplayed", func(t *testing.T) {
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverSince(ctx, "p1-entry", base, now); return }))
		if n != 0 {
			t.Fatalf("RedeliverSince of the deleted partner's subscription made %d pending again", n)
		}
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverReport(ctx, "r0000", "", now); return }))
		if n != 1 {
			t.Fatalf("RedeliverReport made %d pending again, want kept's 1", n)
		}
	})
	t.Run("NotDelivered", func(t *testing.T) {
		var seqs []int64
		must(t, s.View(ctx, func(tx park.Tx) (err error) { seqs, err = tx.DueDeliveries(ctx, now, 3*reports, nil); return }))
		if len(seqs) != len(keptDs) {
			t.Fatalf("%d due, want kept's %d", len(seqs), len(keptDs))
		}
		var ds []*park.Delivery
		must(t, update(t, s, func(tx park.Tx) (err error) {
			ds, err = tx.ClaimDueDeliveries(ctx, goneSeqs, now, now.Add(time.Minute))
			return
		}))
		if len(ds) != 0 {
			t.Fatalf("claimed %d deliveries of the deleted partner", len(ds))
		}
	})
	t.Run("IDTakenAgain", func(t *testing.T) {
		// A new partner of the same id starts with nothing of the old.
		b.partner("P1", "L1")
		var subs []*park.Subscription
		must(t, s.View(ctx, func(tx park.Tx) (err error) { subs, err = tx.ListSubscriptions(ctx, "P1"); return }))
		if len(subs) != 0 {
			t.Fatalf("the new P1 has the old one's subscriptions %+v", subs)
		}
		if ds := all(park.DeliveryFilter{PartnerID: "P1"}); len(ds) != 0 {
			t.Fatalf("the new P1 has %d deliveries", len(ds))
		}
	})

	// The cleanup: batches of at most batch, then the subscriptions.
	var got []int
	for {
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.PruneDeletedSubscriptions(ctx, batch); return }))
		got = append(got, n)
		if n < batch {
			break
		}
	}
	if want := []int{batch, batch, reports + 1 - 2*batch}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("batches deleted %v, want %v", got, want)
	}
	// The old subscriptions' ids are free again.
	b.subscribe("p1-entry", "P1", park.ReportEntry, true)
	if ds := all(park.DeliveryFilter{SubscriptionID: "p1-entry"}); len(ds) != 0 {
		t.Fatalf("the new p1-entry has %d deliveries", len(ds))
	}
	if ds := all(park.DeliveryFilter{SubscriptionID: "kept"}); len(ds) != reports {
		t.Fatalf("kept has %d deliveries, want %d", len(ds), reports)
	}
}
