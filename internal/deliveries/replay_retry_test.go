package deliveries_test

import (
	"net/http"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// retryIn2h is a schedule whose first attempt is at once and whose retry
// waits 2 h (±20 % jitter: 96 to 144 minutes after the failed attempt).
var retryIn2h = []time.Duration{0, 2 * time.Hour, 2 * time.Hour}

// The plates visits gives the first car of prefixes A, B and C: the
// partner answers A's entry 500, B's first request 429 with Retry-After
// of a day, and acknowledges the rest.
const (
	plateFails  = "京A00000"
	platePauses = "京B00000"
)

// failingPartner subscribes "app" to entries at rc, one at a time, with
// retryIn2h, answering as the plates above say.
func failingPartner(t *testing.T, b *systemtest.Bundle, rc *deliverytest.Receiver) *park.Subscription {
	t.Helper()
	partner(t, b, "app")
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		n := parse(t, r)
		switch {
		case n.Data.Stay != nil && n.Data.Stay.Plate == plateFails:
			return deliverytest.Answer{Status: http.StatusInternalServerError}
		case n.Data.Stay != nil && n.Data.Stay.Plate == platePauses && r.Try == 1:
			return deliverytest.Answer{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"86400"}}}
		}
		return deliverytest.Answer{}
	})
	return subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Concurrency: 1,
		Schedule: retryIn2h})
}

// sentOf is the subscription's delivery of the entry of the car with
// plate, found by the requests rc got about it (nil: none yet).
func sentOf(t *testing.T, b *systemtest.Bundle, rc *deliverytest.Receiver, plate string) *park.Delivery {
	t.Helper()
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
		for _, r := range rc.Requests() {
			if n := parse(t, r); r.EventID == d.ReportID && n.Data.Stay != nil && n.Data.Stay.Plate == plate {
				return d
			}
		}
	}
	return nil
}

// sentTimes counts the requests about the entry of the car with plate.
func sentTimes(t *testing.T, rc *deliverytest.Receiver, plate string) int {
	n := 0
	for _, r := range rc.Requests() {
		if b := parse(t, r); b.Data.Stay != nil && b.Data.Stay.Plate == plate {
			n++
		}
	}
	return n
}

// wantKept checks that the failed delivery still waits for its own retry:
// one attempt, due at the time it had before (was), which is 96 to 144
// minutes after that attempt (2 h ±20 %).
func wantKept(t *testing.T, d *park.Delivery, was time.Time) {
	t.Helper()
	if d.State != park.DeliveryFailed || d.Attempts != 1 || d.LastAttemptAt == nil || !d.NextAt.Equal(was) {
		t.Fatalf("the failing partner's retry: %s, %d attempts, due %s; want failed, 1 attempt, due %s as before",
			d.State, d.Attempts, d.NextAt, was)
	}
	if wait := d.NextAt.Sub(*d.LastAttemptAt); wait < 96*time.Minute || wait > 144*time.Minute {
		t.Errorf("retry due %s after the attempt, want 96-144 minutes (2 h ±20 %%)", wait)
	}
}

// TestReplayKeepsOtherRetries: an operator's replay of one report sends
// that report again, and only it: a delivery of the same subscription
// that the partner answered 500, waiting 2 h for its retry, keeps its
// time and is not sent again meanwhile.
func TestReplayKeepsOtherRetries(t *testing.T) {
	b := systemtest.New(t)
	rc := deliverytest.New(t)
	sub := failingPartner(t, b, rc)
	visits(t, b, "A", 1)
	visits(t, b, "D", 1) // 京D00000: acknowledged
	run(t, b)
	var failed, done *park.Delivery
	waitFor(t, "one entry failed, the other acknowledged", func() bool {
		failed, done = sentOf(t, b, rc, plateFails), sentOf(t, b, rc, "京D00000")
		return failed != nil && failed.State == park.DeliveryFailed && done != nil && done.State == park.DeliveryDelivered
	})
	was := failed.NextAt
	got, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, done.ReportID, time.Time{})
	if err != nil || got.Redelivered != 1 {
		t.Fatalf("replay: %+v, %v; want 1 redelivered", got, err)
	}
	wantKept(t, sentOf(t, b, rc, plateFails), was)
	waitFor(t, "the replayed entry acknowledged again", func() bool { return rc.Acked()[done.ReportID] == 2 })
	if n := sentTimes(t, rc, plateFails); n != 1 {
		t.Errorf("the failing entry was sent %d times, want once (its retry is 2 h away)", n)
	}
	wantKept(t, sentOf(t, b, rc, plateFails), was)
}

// TestLiftKeepsOtherRetries: a replay, taken on another node, lifts the
// partner's Retry-After pause, and what the pause held back goes at once
// (the entry the partner answered 429), but a delivery waiting for its
// own retry (a 500 before the pause) keeps its time.
func TestLiftKeepsOtherRetries(t *testing.T) {
	b := systemtest.New(t)
	rc := deliverytest.New(t)
	sub := failingPartner(t, b, rc)
	// One car at a time: the 500 is heard before the 429 pauses the
	// subscription on the worker's node.
	visits(t, b, "A", 1)
	runService(t, node(b, time.Minute))
	waitFor(t, "the first entry failed", func() bool {
		d := sentOf(t, b, rc, plateFails)
		return d != nil && d.State == park.DeliveryFailed
	})
	visits(t, b, "B", 1)
	var paused *park.Delivery
	waitFor(t, "the 429 recorded", func() bool {
		paused = sentOf(t, b, rc, platePauses)
		return paused != nil && paused.LastStatus == http.StatusTooManyRequests
	})
	// The Retry-After (a day) is longer than the schedule's 2 h retry.
	if wait := paused.NextAt.Sub(*paused.LastAttemptAt); wait != 24*time.Hour {
		t.Fatalf("the paused entry is due %s after its attempt, want the Retry-After's 24 h", wait)
	}
	was := sentOf(t, b, rc, plateFails).NextAt
	visits(t, b, "C", 1) // held by the pause: never attempted
	var third string
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
		if d.Attempts == 0 {
			third = d.ReportID
		}
	}
	if _, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, third, time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantKept(t, sentOf(t, b, rc, plateFails), was)
	waitFor(t, "the held entry and the replayed one acknowledged", func() bool {
		return sentTimes(t, rc, platePauses) == 2 && rc.Acked()[third] == 1 && len(rc.Acked()) == 2
	})
	if n := sentTimes(t, rc, plateFails); n != 1 {
		t.Errorf("the failing entry was sent %d times, want once (its retry is 2 h away)", n)
	}
	wantKept(t, sentOf(t, b, rc, plateFails), was)
}
