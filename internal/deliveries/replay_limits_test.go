package deliveries_test

import (
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestReplayInFlightKeepsConcurrency: concurrency 1 is one request at a
// time to the partner, replays too. Two nodes on one store; the partner
// holds the first request of each event open 300 ms. An operator
// replays, while an entry is being sent, that entry (OneReport), or
// every entry since before the first (Since): the partner never has two
// requests open at once, and the replayed entries are each sent again
// once the attempt under way ends, by hand:
//
//	OneReport: 1 entry, sent once, replayed in flight: 1 + 1 = 2 requests
//	Since:     3 entries, the first in flight, all 3 replayed: the first
//	           then 1 + 1, the others 1 (never sent before the replay,
//	           replayed while pending they go once): 4 requests
func TestReplayInFlightKeepsConcurrency(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cars  int
		since bool
		want  int
	}{
		{"OneReport", 1, false, 2},
		{"Since", 3, true, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := systemtest.New(t)
			partner(t, b, "app")
			rc := deliverytest.New(t)
			rc.Script(func(r deliverytest.Request) deliverytest.Answer {
				if r.Seq == 1 {
					return deliverytest.Answer{Wait: 300 * time.Millisecond}
				}
				return deliverytest.Answer{}
			})
			sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL,
				Timeout: 5 * time.Second, RateLimit: 1000, Concurrency: 1})
			visits(t, b, "Q", tc.cars)
			runService(t, node(b, time.Minute))
			runService(t, node(b, time.Minute))
			waitFor(t, "the first entry in flight", func() bool { return rc.Len() >= 1 })
			first := rc.Requests()[0]
			var err error
			if tc.since {
				_, err = b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, "", b.Clock.Now().Add(-time.Hour))
			} else {
				_, err = b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, first.EventID, time.Time{})
			}
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "every entry delivered after the replay", func() bool {
				ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: sub.ID, State: park.DeliveryDelivered})
				return rc.Len() >= tc.want && len(ds) == tc.cars
			})
			if most := mostOpen(rc.Requests()); most != 1 {
				t.Errorf("the partner had %d requests open at once, want 1 (concurrency 1)", most)
			}
			if o := overlapping(rc); len(o) > 0 {
				t.Errorf("entries sent twice at once: %v", o)
			}
			if n := rc.Len(); n != tc.want {
				t.Errorf("the partner got %d requests, want %d", n, tc.want)
			}
			if n := rc.Acked()[first.EventID]; n != 2 {
				t.Errorf("the entry replayed in flight was acknowledged %d times, want 2 (once, then once replayed)", n)
			}
		})
	}
}

// TestReplayInFlightListedDue: an entry replayed while it is being sent
// is listed as the operator asked, due at once: sending (the attempt
// under way), no attempts (its schedule started over), next_at the time
// of the replay, not the end of the claim (a minute on) as if it waited
// for that. The clock stands at t0; once the partner answers the attempt
// under way, the entry goes again at once (acknowledged twice) and is
// listed delivered with 1 attempt.
func TestReplayInFlightListedDue(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	// The partner holds the first request open until the replay has been
	// listed, the clock standing meanwhile.
	listed := make(chan struct{})
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Seq == 1 {
			return deliverytest.Answer{Until: listed}
		}
		return deliverytest.Answer{}
	})
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Timeout: 10 * time.Second})
	visits(t, b, "Q", 1)
	runService(t, node(b, time.Minute))
	waitFor(t, "the entry in flight", func() bool { return rc.Len() == 1 })
	t0 := b.Clock.Now()
	first := rc.Requests()[0]
	if _, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, first.EventID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: sub.ID})
	if len(ds) != 1 || ds[0].State != park.DeliverySending || ds[0].Attempts != 0 || !ds[0].NextAt.Equal(t0) {
		t.Fatalf("replayed while sent, listed %+v; want sending, 0 attempts, next_at %v (the replay's time)", ds[0], t0)
	}
	close(listed)
	waitFor(t, "the entry sent again once the attempt under way ended", func() bool { return rc.Acked()[first.EventID] == 2 })
	waitFor(t, "the entry listed delivered", func() bool {
		ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: sub.ID})
		return ds[0].State == park.DeliveryDelivered && ds[0].Attempts == 1
	})
}
