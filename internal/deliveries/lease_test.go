package deliveries_test

import (
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// node is another parkd node's delivery worker over b's store.
func node(b *systemtest.Bundle, lease time.Duration) *deliveries.Service {
	return deliveries.New(deliveries.Config{Store: b.Store, Now: b.Clock.Now,
		Options: deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond, Lease: lease}})
}

// overlapping returns the event ids that were being sent twice at once.
func overlapping(rc *deliverytest.Receiver) []string {
	open := map[string][]deliverytest.Request{}
	var out []string
	for _, r := range rc.Requests() {
		for _, o := range open[r.EventID] {
			if o.End.IsZero() || r.Start.Before(o.End) {
				out = append(out, r.EventID)
			}
		}
		open[r.EventID] = append(open[r.EventID], r)
	}
	return out
}

// TestTwoWorkersOneOutbox: two nodes' workers drain one outbox: every
// report arrives, once (no node died, no lease ran out), and never two
// requests of one report at once.
func TestTwoWorkersOneOutbox(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Seq%7 == 0 {
			return deliverytest.Answer{Status: 503}
		}
		return deliverytest.Answer{Wait: 5 * time.Millisecond}
	})
	for _, k := range []string{park.ReportEntry, park.ReportExit, park.ReportOrder} {
		subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: k, URL: rc.URL, Schedule: shortSchedule(10, 10*time.Millisecond),
			Timeout: 5 * time.Second, Concurrency: 8, RateLimit: 1000})
	}
	stays := visits(t, b, "W", 20)
	runService(t, node(b, 0))
	runService(t, node(b, 0))
	waitDelivered(t, b, 3*len(stays))
	if o := overlapping(rc); len(o) > 0 {
		t.Errorf("reports sent twice at once: %v", o)
	}
	for id, n := range rc.Acked() {
		if n != 1 {
			t.Errorf("report %s acknowledged %d times, want once", id, n)
		}
	}
	checkArrivals(t, rc, stays)
}

// TestAttemptEndsWithinItsClaim: a partner that never answers, a
// subscription timeout longer than the claim's lease, and two nodes:
// each attempt is cut before its claim ends, so the other node, taking
// the delivery once the lease is over, never sends it while the first
// still is.
func TestAttemptEndsWithinItsClaim(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{Hang: true} })
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL,
		Schedule: shortSchedule(30, 0), Timeout: park.MaxDeliveryTimeout})
	b.Event(t, park.EventEntry, "京L00001", b.Clock.Now().Add(-time.Minute))
	const lease = 3 * time.Second
	runService(t, node(b, lease))
	runService(t, node(b, lease))
	// Attempts cut by their claim's end, recorded as timeouts.
	waitFor(t, "three attempts, cut", func() bool {
		ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: sub.ID})
		return rc.Len() >= 3 && ds[0].Attempts >= 1 && ds[0].LastReply == "no answer before the timeout"
	})
	if o := overlapping(rc); len(o) > 0 {
		t.Errorf("the report was sent twice at once: %d overlaps", len(o))
	}
}
