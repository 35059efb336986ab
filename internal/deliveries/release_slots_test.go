package deliveries_test

import (
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestUntriedReleaseGivesItsSlotBack: a delivery claimed and handed back
// without an attempt (here: its schedule's first wait, 5 s after it was
// written, is not over) sent the partner nothing, so the slot of the
// rate its claim used is free again. Rate 2 a second, the clock standing
// at t0, with the bucket full (the three old entries went out by t0-1 s):
//
//	replay of R1, and a new entry A at t0: 2 claimed, 2 slots used
//	  R1 sent (1), A handed back untried: its slot given back, 1 used
//	replay of R2: 1 + 1 = 2 ≤ 2, sent at t0 (kept, it would wait to t0+0.5 s)
//	replay of R3: 2 + 1 = 3 > 2, not sent while the clock stands at t0
//	at t0+0.5 s a slot comes free: R3 is sent
func TestUntriedReleaseGivesItsSlotBack(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL,
		Timeout: 5 * time.Second, RateLimit: 2, Concurrency: 10, Schedule: []time.Duration{5 * time.Second, time.Minute}})
	t0 := b.Clock.Now()
	b.Clock.Set(t0.Add(-10 * time.Second))
	visits(t, b, "R", 3)
	// Their first wait is over by t0-2 s: 2 go then, the third at t0-1 s
	// (a slot every 0.5 s), and by t0 the bucket is full again.
	b.Clock.Set(t0.Add(-2 * time.Second))
	node := countedNode(t, b)
	waitFor(t, "two old entries sent", func() bool { return rc.Len() == 2 })
	b.Clock.Set(t0.Add(-time.Second))
	waitFor(t, "the three old entries sent", func() bool { return len(rc.Acked()) == 3 })
	var old []string
	for _, r := range rc.Requests() {
		old = append(old, r.EventID)
	}
	b.Clock.Set(t0)
	lookAgain(t, node)

	replay := func(id string) {
		t.Helper()
		if rp, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, id, time.Time{}); err != nil || rp.Redelivered != 1 {
			t.Fatalf("replay of %s: %+v, %v", id, rp, err)
		}
	}
	sentTwice := func(id string) func() bool { return func() bool { return rc.Acked()[id] == 2 } }
	replay(old[0])
	visits(t, b, "A", 1)
	waitFor(t, "R1 sent again", sentTwice(old[0]))
	waitFor(t, "A handed back untried, due when its first wait ends (t0+5 s)", func() bool {
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: sub.ID, State: park.DeliveryPending}) {
			if d.NextAt.Equal(t0.Add(5*time.Second)) && d.Attempts == 0 {
				return true
			}
		}
		return false
	})
	replay(old[1])
	waitFor(t, "R2 sent again at t0: A's slot was given back", sentTwice(old[1]))

	replay(old[2])
	for range 10 {
		lookAgain(t, node)
	}
	if n := rc.Acked()[old[2]]; n != 1 {
		t.Fatalf("R3 sent %d times with the clock at t0, want once: 2 already went in this second", n)
	}
	b.Clock.Set(t0.Add(500 * time.Millisecond))
	waitFor(t, "R3 sent again at t0+0.5 s", sentTwice(old[2]))
	if n := rc.Len(); n != 6 {
		t.Errorf("the partner got %d requests, want 3 + 3 replays = 6 (A waits for t0+5 s)", n)
	}
}
