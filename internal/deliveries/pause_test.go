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

// pausedForADay subscribes "app" to entries at rc, one at a time, drives
// two cars in, and has a worker node (not the one the operator acts
// through) hear the partner's 429 with Retry-After of a day to the
// first: the subscription is paused on that node, and the clock stands
// still, so without an operator's action nothing more is ever sent.
func pausedForADay(t *testing.T, b *systemtest.Bundle, rc *deliverytest.Receiver) *park.Subscription {
	t.Helper()
	partner(t, b, "app")
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Seq == 1 {
			return deliverytest.Answer{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"86400"}}}
		}
		return deliverytest.Answer{}
	})
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Concurrency: 1,
		Schedule: shortSchedule(5, 0)})
	visits(t, b, "W", 2)
	runService(t, node(b, time.Minute))
	waitFor(t, "the 429 recorded", func() bool {
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
			if d.LastStatus == http.StatusTooManyRequests {
				return true
			}
		}
		return false
	})
	return sub
}

// TestReplayLiftsRetryAfter: an operator's replay of one report, taken
// on another node, lifts the partner's pause on the node that heard it:
// the report is sent at once, and so is the other car's entry the pause
// held back. The reply does not say the subscription is held.
func TestReplayLiftsRetryAfter(t *testing.T) {
	b := systemtest.New(t)
	rc := deliverytest.New(t)
	sub := pausedForADay(t, b, rc)
	var first string
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
		if d.LastStatus == http.StatusTooManyRequests {
			first = d.ReportID
		}
	}
	got, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, first, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Redelivered != 1 || got.Held != "" {
		t.Errorf("replay answered %+v, want 1 redelivered and not held", got)
	}
	waitFor(t, "both entries acknowledged after the replay", func() bool { return len(rc.Acked()) >= 2 })
}

// TestReplaySinceLiftsRetryAfter: the same with a replay since a time.
func TestReplaySinceLiftsRetryAfter(t *testing.T) {
	b := systemtest.New(t)
	rc := deliverytest.New(t)
	sub := pausedForADay(t, b, rc)
	got, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, "", b.Clock.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.Redelivered != 2 || got.Held != "" {
		t.Errorf("replay answered %+v, want 2 redelivered and not held", got)
	}
	waitFor(t, "both entries acknowledged after the replay", func() bool { return len(rc.Acked()) >= 2 })
}

// TestURLChangeLiftsRetryAfter: a PATCH that points the subscription at
// a new URL, taken on another node, lifts the pause the old address
// asked for: what it held back goes to the new address at once.
func TestURLChangeLiftsRetryAfter(t *testing.T) {
	b := systemtest.New(t)
	rc := deliverytest.New(t)
	sub := pausedForADay(t, b, rc)
	rc2 := deliverytest.New(t)
	if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{URL: &rc2.URL}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both entries acknowledged at the new URL", func() bool { return len(rc2.Acked()) >= 2 })
}

// TestReenablingLiftsRetryAfter: disabling the subscription and enabling
// it again (on another node) lifts the pause: its reports go at once.
func TestReenablingLiftsRetryAfter(t *testing.T) {
	b := systemtest.New(t)
	rc := deliverytest.New(t)
	sub := pausedForADay(t, b, rc)
	for _, on := range []bool{false, true} {
		if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{Enabled: &on}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "both entries acknowledged after enabling", func() bool { return len(rc.Acked()) >= 2 })
}

// TestReplayOfDisabledSaysSo: a replay of a disabled subscription's
// reports makes them due, but nothing is sent until it is enabled again,
// and the reply says so rather than read as under way.
func TestReplayOfDisabledSaysSo(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	off := false
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Enabled: &off})
	visits(t, b, "D", 1)
	got, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, "", b.Clock.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.Redelivered != 1 || got.Held != deliveries.HeldDisabled {
		t.Errorf("replay of a disabled subscription answered %+v, want 1 redelivered, held %q", got, deliveries.HeldDisabled)
	}
}
