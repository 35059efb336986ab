package storetest

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

// testDueAmongRetries: with many failed deliveries whose next attempt is
// later, older than the one due now, the search finds the due one, and
// only it, however small the limit.
func testDueAmongRetries(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.subscribe("sub", "P1", park.ReportEntry, true)
	const retries = 300
	for i := range retries {
		b.enqueue(newReport(fmt.Sprintf("r%04d", i), park.ReportEntry, "L1", fmt.Sprintf("k%04d", i), base))
	}
	now := base.Add(time.Minute)
	claimed := b.claim(now, now.Add(time.Minute), 2*retries)
	if len(claimed) != retries {
		t.Fatalf("claimed %d, want %d", len(claimed), retries)
	}
	for _, d := range claimed {
		d.State, d.Attempts, d.NextAt, d.LastAttemptAt = park.DeliveryFailed, 1, now.Add(time.Hour), &now
	}
	must(t, update(t, s, func(tx park.Tx) (err error) { _, err = tx.FinishDeliveries(ctx, claimed); return }))
	b.enqueue(newReport("due", park.ReportEntry, "L1", "k-due", now))

	later := now.Add(time.Second)
	var seqs []int64
	must(t, s.View(ctx, func(tx park.Tx) (err error) { seqs, err = tx.DueDeliveries(ctx, later, 1, nil); return }))
	due := b.find("sub", "due")
	if len(seqs) != 1 || seqs[0] != due.Seq {
		t.Fatalf("due %v, want [%d] (the new report's), not a retry due in an hour", seqs, due.Seq)
	}
	ds := b.claim(later, later.Add(time.Minute), 1)
	if labels(ds) != "sub:due" {
		t.Fatalf("claimed %s, want sub:due", labels(ds))
	}
	ds[0].State, ds[0].Attempts, ds[0].LastAttemptAt, ds[0].DeliveredAt = park.DeliveryDelivered, 1, &later, &later
	b.finish(ds[0])
	// An hour on, the retries are due, in order.
	if ds := b.claim(now.Add(time.Hour), now.Add(time.Hour+time.Minute), 2); labels(ds) != "sub:r0000 sub:r0001" {
		t.Fatalf("an hour on claimed %s, want the first two retries", labels(ds))
	}
}
