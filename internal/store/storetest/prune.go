package storetest

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// testPruneDeliveries: the retention deletes finished deliveries older
// than the horizon, oldest first and a bounded batch at a time, and a
// report once no delivery is left of it; it never deletes a delivery
// still to be sent, one of a disabled subscription, or a recent one.
func testPruneDeliveries(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.partner("P2", "L1")
	b.subscribe("a", "P1", park.ReportEntry, true)
	b.subscribe("b", "P1", park.ReportExit, true)
	b.subscribe("c", "P2", park.ReportExit, true)
	off := b.subscribe("off", "P2", park.ReportOrder, true)
	mins := func(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }
	at := func(n int) *time.Time { t := mins(n); return &t }
	horizon := mins(100)
	// Each report has a key of its own: none waits behind another.
	enqueue := func(id, kind string, n int) { b.enqueue(newReport(id, kind, "L1", "k-"+id, mins(n))) }
	finish := func(sub, report, state string, last int) {
		t.Helper()
		d := b.find(sub, report)
		d.State, d.Attempts, d.LastAttemptAt = state, 1, at(last)
		if state == park.DeliveryDelivered {
			d.DeliveredAt = at(last)
		}
		if state == park.DeliveryFailed {
			d.NextAt = mins(100000) // not due again within the test
		}
		b.settle(d)
	}

	enqueue("r1", park.ReportEntry, 1)
	finish("a", "r1", park.DeliveryDelivered, 10) // old: pruned first
	enqueue("r2", park.ReportEntry, 2)
	finish("a", "r2", park.DeliveryDead, 20) // old dead: pruned last
	enqueue("r3", park.ReportEntry, 3)
	finish("a", "r3", park.DeliveryDelivered, 150) // finished after the horizon: kept
	enqueue("x1", park.ReportExit, 4)
	finish("b", "x1", park.DeliveryDelivered, 13) // pruned; c:x1 stays pending, so x1 stays
	enqueue("x2", park.ReportExit, 5)
	finish("b", "x2", park.DeliveryDelivered, 11)
	finish("c", "x2", park.DeliveryDelivered, 12) // x2 goes with the later of its two
	enqueue("o1", park.ReportOrder, 6)
	finish("off", "o1", park.DeliveryDelivered, 10) // its subscription is disabled below: kept
	enqueue("r4", park.ReportEntry, 7)
	finish("a", "r4", park.DeliveryFailed, 8) // waits for a retry: kept
	off.Enabled = false
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, off) }))
	enqueue("o2", park.ReportOrder, 9) // pending for the disabled subscription: kept
	enqueue("r5", park.ReportEntry, 14)
	if ds := b.claim(mins(30), mins(100000), 10, "c"); labels(ds) != "a:r5" {
		t.Fatalf("claimed %s, want a:r5 (left sending)", labels(ds))
	}
	enqueue("r6", park.ReportEntry, 15) // pending, never tried: kept
	// A report whose subscription was deleted has no delivery left; one
	// of a time after the horizon is kept whatever.
	b.subscribe("gone", "P2", park.ReportDeviceStatus, true)
	enqueue("d1", park.ReportDeviceStatus, 16)
	enqueue("d2", park.ReportDeviceStatus, 160)
	must(t, update(t, s, func(tx park.Tx) error { return tx.DeleteSubscription(ctx, "gone") }))
	must(t, update(t, s, func(tx park.Tx) error { _, err := tx.PruneDeletedSubscriptions(ctx, 10); return err }))

	prune := func(limit int) (int, int) {
		t.Helper()
		var nd, nr int
		must(t, update(t, s, func(tx park.Tx) (err error) { nd, nr, err = tx.PruneDeliveries(ctx, horizon, limit); return }))
		return nd, nr
	}
	// Eligible, oldest last change first: a:r1 (10), b:x2 (11), c:x2
	// (12), b:x1 (13), a:r2 (20). Two a batch.
	for i, want := range [][2]int{{2, 1}, {2, 1}, {1, 1}, {0, 0}} {
		if nd, nr := prune(2); nd != want[0] || nr != want[1] {
			t.Fatalf("batch %d: pruned %d deliveries and %d reports, want %d and %d", i, nd, nr, want[0], want[1])
		}
	}
	if got, want := sortedLabels(b.list(park.DeliveryFilter{})), "a:r3 a:r4 a:r5 a:r6 c:x1 off:o1 off:o2"; got != want {
		t.Fatalf("deliveries left %s, want %s", got, want)
	}
	gone := map[string]bool{"r1": true, "r2": true, "x2": true}
	for _, id := range []string{"r1", "r2", "r3", "r4", "r5", "r6", "x1", "x2", "o1", "o2", "d1", "d2"} {
		if _, err := b.getReport(id); gone[id] != park.IsCode(err, park.ENotFound) || err != nil && !park.IsCode(err, park.ENotFound) {
			t.Errorf("report %s after pruning deliveries: %v, want gone %v", id, err, gone[id])
		}
	}

	// Reports with no delivery left: walked in batches of 3. Those at
	// before the horizon: r3, x1, o1, r4, o2, r5, r6, d1 (8), so the walk
	// ends on its third batch, and only d1 is deleted.
	var cur park.ReportCursor
	deleted, batches := 0, 0
	for {
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, cur, err = tx.PruneReports(ctx, horizon, cur, 3); return }))
		deleted, batches = deleted+n, batches+1
		if cur == (park.ReportCursor{}) || batches > 10 {
			break
		}
	}
	if deleted != 1 || batches != 3 {
		t.Fatalf("PruneReports deleted %d in %d batches, want 1 in 3", deleted, batches)
	}
	for id, want := range map[string]bool{"d1": false, "d2": true, "x1": true, "o2": true} {
		if _, err := b.getReport(id); want != (err == nil) {
			t.Errorf("report %s after pruning reports: %v, want kept %v", id, err, want)
		}
	}

	// Run again, nothing more goes; enabled again, the disabled
	// subscription's old delivered one is pruned, its pending one kept.
	if nd, nr := prune(100); nd != 0 || nr != 0 {
		t.Fatalf("pruned again: %d deliveries, %d reports", nd, nr)
	}
	off.Enabled = true
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, off) }))
	if nd, nr := prune(100); nd != 1 || nr != 1 {
		t.Fatalf("pruned %d deliveries and %d reports once enabled, want off:o1 and o1", nd, nr)
	}
	if got, want := sortedLabels(b.list(park.DeliveryFilter{})), "a:r3 a:r4 a:r5 a:r6 c:x1 off:o2"; got != want {
		t.Fatalf("deliveries left %s, want %s", got, want)
	}
	// The horizon moved past every finish: a:r3 goes, the rest wait to
	// be sent whatever their age.
	horizon = mins(1000)
	if nd, _ := prune(100); nd != 1 {
		t.Fatalf("pruned %d at the later horizon, want a:r3", nd)
	}
	if got, want := sortedLabels(b.list(park.DeliveryFilter{})), "a:r4 a:r5 a:r6 c:x1 off:o2"; got != want {
		t.Fatalf("deliveries left %s, want %s", got, want)
	}
}
