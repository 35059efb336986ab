package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"parkd/internal/park"
)

// testClaimLoads: what a claim reads to hold a subscription's limits for
// the whole cluster. Of subscription "a" (rate 2, concurrency 3), one
// delivery is claimed until after now and one under a claim already
// over: one is in flight. "b" has none in flight and its limits are the
// defaults (0). Each lists those of the seqs asked about that are its
// own, ascending. UseSlots keeps how far a's rate is used, ReturnSlots
// moves it back, and neither moves a version; b's stays unused.
func testClaimLoads(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	sa := newSubscription("a", "P1", park.ReportEntry)
	sa.RateLimit, sa.Concurrency = 2, 3
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateSubscription(ctx, sa) }))
	b.subscribe("b", "P1", park.ReportEntry, true)
	for i := range 3 {
		b.enqueue(newReport(fmt.Sprintf("r%d", i), park.ReportEntry, "L1", fmt.Sprintf("k%d", i), base))
	}
	now := base.Add(time.Minute)
	var claimed []*park.Delivery
	for i, lease := range []time.Time{now.Add(-time.Second), now.Add(time.Minute)} {
		d := b.find("a", fmt.Sprintf("r%d", i))
		must(t, update(t, s, func(tx park.Tx) (err error) {
			claimed, err = tx.ClaimDueDeliveries(ctx, []int64{d.Seq}, base.Add(time.Duration(i)*time.Second), lease)
			return err
		}))
		if len(claimed) != 1 {
			t.Fatalf("claimed %d of a:r%d, want 1", len(claimed), i)
		}
	}
	var seqs []int64
	for _, sub := range []string{"b", "a"} {
		for i := 2; i >= 0; i-- {
			seqs = append(seqs, b.find(sub, fmt.Sprintf("r%d", i)).Seq)
		}
	}
	want := func(sub string) []int64 {
		var out []int64
		for i := range 3 {
			out = append(out, b.find(sub, fmt.Sprintf("r%d", i)).Seq)
		}
		slices.Sort(out)
		return out
	}
	loads := func() map[string]park.SubscriptionLoad {
		var ls []park.SubscriptionLoad
		must(t, s.View(ctx, func(tx park.Tx) (err error) { ls, err = tx.ClaimLoads(ctx, seqs, now); return }))
		out := map[string]park.SubscriptionLoad{}
		for _, l := range ls {
			out[l.SubscriptionID] = l
		}
		if len(out) != 2 {
			t.Fatalf("loads of %d subscriptions, want a and b: %+v", len(out), ls)
		}
		return out
	}
	ls := loads()
	if a := ls["a"]; a.RateLimit != 2 || a.Concurrency != 3 || a.InFlight != 1 || !a.SlotsUntil.IsZero() || !slices.Equal(a.Seqs, want("a")) {
		t.Errorf("a: %+v, want rate 2, concurrency 3, 1 in flight, no slots used, seqs %v", a, want("a"))
	}
	if l := ls["b"]; l.RateLimit != 0 || l.Concurrency != 0 || l.InFlight != 0 || !l.SlotsUntil.IsZero() || !slices.Equal(l.Seqs, want("b")) {
		t.Errorf("b: %+v, want the defaults, none in flight, no slots used, seqs %v", l, want("b"))
	}
	until := now.Add(1500 * time.Millisecond)
	must(t, update(t, s, func(tx park.Tx) error { return tx.UseSlots(ctx, "a", until) }))
	ls = loads()
	if !ls["a"].SlotsUntil.Equal(until) || !ls["b"].SlotsUntil.IsZero() {
		t.Errorf("slots used until a %v, b %v; want a %v, b none", ls["a"].SlotsUntil, ls["b"].SlotsUntil, until)
	}
	// Given back: a's slots move back by what is given (1.5 s - 0.5 s =
	// 1 s ahead of now); b, with none used, still has none.
	must(t, update(t, s, func(tx park.Tx) error {
		if err := tx.ReturnSlots(ctx, "a", 500*time.Millisecond); err != nil {
			return err
		}
		return tx.ReturnSlots(ctx, "b", 500*time.Millisecond)
	}))
	ls = loads()
	if want := now.Add(time.Second); !ls["a"].SlotsUntil.Equal(want) || !ls["b"].SlotsUntil.IsZero() {
		t.Errorf("after 0.5 s given back, slots used until a %v, b %v; want a %v, b none", ls["a"].SlotsUntil, ls["b"].SlotsUntil, want)
	}
	var got *park.Subscription
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetSubscription(ctx, "a"); return }))
	if got.Version != sa.Version {
		t.Errorf("a at version %d after UseSlots and ReturnSlots, want %d: no operator changed it", got.Version, sa.Version)
	}
}
