package storetest

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// testReplaySending: a delivery replayed while it is being sent stays
// sending under its claim (counted in flight, never sent twice at once),
// and is due from the replay: next_at is when the replay asked for it,
// not the claim's end, since it goes again as soon as the attempt under
// way ends. By hand, r1 claimed at 10 s until 70 s:
//
//	replayed at 20 s: sending, 0 attempts, next_at 20 s, lease 70 s kept
//	claim at 21 s:    nothing (r1 still under its claim)
//	attempt stored (delivered at 22 s): pending, 0 attempts, not
//	                  delivered, next_at 20 s (due already), its answer kept
//	claim at 23 s:    r1 again, until 83 s
//	replayed since at 30 s: next_at 30 s; the claim runs out at 83 s and
//	                  r1 is claimed again until 143 s: that claim is the
//	                  replay's attempt, and its outcome (failed, due at
//	                  200 s, 1 attempt) is stored as it is.
func testReplaySending(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.subscribe("A", "P1", park.ReportEntry, true)
	sec := func(n int) time.Time { return base.Add(time.Duration(n) * time.Second) }
	b.enqueue(newReport("r1", park.ReportEntry, "L1", "k1", sec(0)))
	if got := b.claim(sec(10), sec(70), 10); labels(got) != "A:r1" {
		t.Fatalf("claim at 10 s: [%s], want [A:r1]", labels(got))
	}
	var n int
	must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverReport(ctx, "r1", "A", sec(20)); return }))
	d := b.find("A", "r1")
	if n != 1 || d.State != park.DeliverySending || d.Attempts != 0 || !d.NextAt.Equal(sec(20)) ||
		d.LeaseUntil == nil || !d.LeaseUntil.Equal(sec(70)) {
		t.Fatalf("replayed at 20 s while sent: %d, %+v; want 1, sending, 0 attempts, next_at 20 s, lease 70 s", n, d)
	}
	if got := b.claim(sec(21), sec(81), 10); len(got) != 0 {
		t.Fatalf("claim at 21 s: [%s], want none (r1 is under its claim)", labels(got))
	}
	tried, done := sec(10), sec(22)
	d.State, d.Attempts, d.LastAttemptAt, d.LastStatus, d.LastReply, d.DeliveredAt, d.NextAt =
		park.DeliveryDelivered, 1, &tried, 200, "ok", &done, sec(10)
	b.finish(d)
	d = b.find("A", "r1")
	if d.State != park.DeliveryPending || d.Attempts != 0 || d.DeliveredAt != nil || !d.NextAt.Equal(sec(20)) ||
		d.LeaseUntil != nil || d.LastStatus != 200 || d.LastReply != "ok" || d.LastAttemptAt == nil || !d.LastAttemptAt.Equal(tried) {
		t.Fatalf("the attempt under way stored: %+v; want pending, 0 attempts, due at 20 s, its answer kept", d)
	}
	if got := b.claim(sec(23), sec(83), 10); labels(got) != "A:r1" {
		t.Fatalf("claim at 23 s: [%s], want [A:r1]", labels(got))
	}
	must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverSince(ctx, "A", sec(0), sec(30)); return }))
	if d = b.find("A", "r1"); n != 1 || d.State != park.DeliverySending || !d.NextAt.Equal(sec(30)) {
		t.Fatalf("replayed since at 30 s while sent: %d, %+v; want 1, sending, next_at 30 s", n, d)
	}
	got := b.claim(sec(83), sec(143), 10)
	if labels(got) != "A:r1" {
		t.Fatalf("claim at 83 s, the lease over: [%s], want [A:r1]", labels(got))
	}
	d = got[0]
	d.State, d.Attempts, d.NextAt = park.DeliveryFailed, 1, sec(200)
	b.finish(d)
	if d = b.find("A", "r1"); d.State != park.DeliveryFailed || d.Attempts != 1 || !d.NextAt.Equal(sec(200)) {
		t.Fatalf("the replay's own attempt stored: %+v; want failed, 1 attempt, due at 200 s", d)
	}
}
