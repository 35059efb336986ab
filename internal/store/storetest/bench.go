package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

// BenchmarkDueBehindKept times DueDeliveries, the search every delivery
// worker makes at each poll and after each batch of outcomes, while kept
// reports wait: 100,000 for a disabled subscription and 10,000 for an
// enabled one whose partner is down (each failed, next tried in an hour),
// beside 10 due for a working partner.
func BenchmarkDueBehindKept(b *testing.B, s park.Store) {
	ctx := context.Background()
	l := newLot("L1")
	write := func(fn func(tx park.Tx) error) {
		b.Helper()
		if err := s.Update(ctx, fn); err != nil {
			b.Fatal(err)
		}
	}
	write(func(tx park.Tx) error { return tx.CreateLot(ctx, l) })
	for _, p := range []string{"gone", "down", "up"} {
		write(func(tx park.Tx) error {
			return tx.CreatePartner(ctx, &park.Partner{ID: p, Name: p, Dialect: "native", Type: park.PartnerNormal,
				Lots: []string{"L1"}, CreatedAt: base, UpdatedAt: base})
		})
	}
	enqueue := func(n int, prefix string) {
		for i := 0; i < n; i += 1000 {
			write(func(tx park.Tx) error {
				for j := i; j < min(n, i+1000); j++ {
					r := newReport(fmt.Sprintf("%s-%d", prefix, j), park.ReportEntry, "L1", fmt.Sprintf("%s-k%d", prefix, j), base)
					if _, err := tx.Enqueue(ctx, r); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	subscribe := func(id string, enabled bool) {
		sub := newSubscription(id, id, park.ReportEntry)
		sub.Enabled = enabled
		write(func(tx park.Tx) error { return tx.CreateSubscription(ctx, sub) })
	}
	// The disabled partner's backlog: every report made while it was off.
	subscribe("gone", false)
	enqueue(100_000, "off")
	// The down partner's: each tried once and failed, next try in an hour.
	subscribe("down", true)
	enqueue(10_000, "down")
	now := base.Add(time.Minute)
	for {
		var ds []*park.Delivery
		write(func(tx park.Tx) (err error) {
			ds, err = ClaimDue(ctx, tx, now, now.Add(time.Minute), 1000, nil)
			return
		})
		if len(ds) == 0 {
			break
		}
		for _, d := range ds {
			d.State, d.Attempts, d.NextAt, d.LastAttemptAt, d.LastStatus = park.DeliveryFailed, 1, base.Add(time.Hour), &now, 503
		}
		write(func(tx park.Tx) error { _, err := tx.FinishDeliveries(ctx, ds); return err })
	}
	// What is due: 10 new reports, each to the working partner and, tried
	// at once, to the down one.
	subscribe("up", true)
	enqueue(10, "new")
	b.ResetTimer()
	for range b.N {
		var seqs []int64
		if err := s.View(ctx, func(tx park.Tx) (err error) { seqs, err = tx.DueDeliveries(ctx, now, 100, nil); return }); err != nil {
			b.Fatal(err)
		}
		if len(seqs) != 20 {
			b.Fatalf("%d due, want the 10 new reports' 20", len(seqs))
		}
	}
}
