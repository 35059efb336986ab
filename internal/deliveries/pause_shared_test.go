package deliveries_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// pausedThenRestarted subscribes "app" to entries at rc, one at a time,
// and has node 1 hear the partner's 503 with Retry-After: 120 to the
// first car's entry; then node 1 stops (a restart, or another node
// takes over), a second car enters during the pause, and node 2, on the
// same store and counting its looks and claims (cc), starts. The clock
// stands still at heard, when the 503 was answered.
func pausedThenRestarted(t *testing.T) (b *systemtest.Bundle, rc *deliverytest.Receiver, cc *claimCounter, sub *park.Subscription, heard time.Time) {
	t.Helper()
	b = systemtest.New(t)
	rc = deliverytest.New(t)
	partner(t, b, "app")
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Seq == 1 {
			return deliverytest.Answer{Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"120"}}}
		}
		return deliverytest.Answer{}
	})
	sub = subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Concurrency: 1,
		Schedule: shortSchedule(5, 0)})
	visits(t, b, "W", 1)
	heard = b.Clock.Now()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = node(b, time.Minute).Run(ctx) }()
	waitFor(t, "node 1 to record the 503", func() bool {
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
			if d.LastStatus == http.StatusServiceUnavailable {
				return true
			}
		}
		return false
	})
	stop()
	<-done
	visits(t, b, "X", 1) // the second car, during the pause
	cc = &claimCounter{Store: b.Store}
	runService(t, deliveries.New(deliveries.Config{Store: cc, Now: b.Clock.Now,
		Options: deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond, Lease: time.Minute}}))
	return b, rc, cc, sub, heard
}

// TestRetryAfterHoldsOnEveryNode: the partner's pause is the store's, not
// only node 1's memory: node 2 sends nothing before it ends. The 503 came
// at heard, so the pause ends at heard + 120 s; at heard + 119 s nothing
// more than the one request has reached the partner, and at heard + 120 s
// both entries are sent (the first one's retry is due then: its schedule's
// wait is 0, so max(0, 120 s)).
func TestRetryAfterHoldsOnEveryNode(t *testing.T) {
	b, rc, cc, _, heard := pausedThenRestarted(t)
	for _, at := range []time.Duration{0, 119 * time.Second} {
		b.Clock.Set(heard.Add(at))
		looks := cc.looks.Load()
		waitFor(t, "node 2 to look for due deliveries 3 times", func() bool { return cc.looks.Load() >= looks+3 })
		if n := cc.claims.Load(); n != 0 {
			t.Fatalf("at +%s node 2 claimed deliveries %d times during the partner's pause", at, n)
		}
		if n := rc.Len(); n != 1 {
			t.Fatalf("at +%s the partner got %d requests, want only the one answered 503", at, n)
		}
	}
	b.Clock.Set(heard.Add(120 * time.Second))
	waitFor(t, "both entries acknowledged at the pause's end", func() bool { return len(rc.Acked()) == 2 })
}

// TestReplayLiftsStoredRetryAfter: an operator's replay during the pause
// lifts it on every node: node 2 sends the replayed entry at once, the
// clock still at heard (120 s before the pause's end).
func TestReplayLiftsStoredRetryAfter(t *testing.T) {
	b, rc, _, sub, _ := pausedThenRestarted(t)
	var second string
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
		if d.Attempts == 0 {
			second = d.ReportID
		}
	}
	if second == "" {
		t.Fatal("no entry waiting unsent during the pause")
	}
	if _, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, second, time.Time{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replayed entry acknowledged by node 2 at once", func() bool { return len(rc.Acked()) == 1 })
}

// TestReenablingLiftsStoredRetryAfter: so does disabling the subscription
// and enabling it again: node 2 sends the second car's entry at once.
func TestReenablingLiftsStoredRetryAfter(t *testing.T) {
	b, rc, _, sub, _ := pausedThenRestarted(t)
	for _, on := range []bool{false, true} {
		if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{Enabled: &on}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the second entry acknowledged by node 2 at once", func() bool { return len(rc.Acked()) == 1 })
}
