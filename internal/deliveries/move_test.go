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

// TestNewURLTriesRetriesAtOnce: an operator moves a failing partner to a
// new address. Its entries, answered 500 and waiting for their retry 2 h
// later (96-144 minutes: 2 h ±20 %), are tried at once at the new URL,
// each car's entry before its exit, their attempts counted: the first
// failed at the old URL and the second is acknowledged, so 1 + 1 = 2.
// Another partner's retry, answered 500 as well, keeps its time.
func TestNewURLTriesRetriesAtOnce(t *testing.T) {
	b := systemtest.New(t) // the clock stands still: no 2 h retry comes due by itself
	failing := func(r deliverytest.Request) deliverytest.Answer {
		return deliverytest.Answer{Status: http.StatusInternalServerError}
	}
	old, moved, elsewhere := deliverytest.New(t), deliverytest.New(t), deliverytest.New(t)
	old.Script(failing)
	elsewhere.Script(failing)
	partner(t, b, "app")
	partner(t, b, "other")
	in := deliveries.SubscriptionInput{Report: park.ReportEntry, URL: old.URL, Schedule: retryIn2h}
	entries := subscribeWith(t, b, "app", in)
	in.Report = park.ReportExit
	exits := subscribeWith(t, b, "app", in)
	in.Report, in.URL = park.ReportEntry, elsewhere.URL
	otherSub := subscribeWith(t, b, "other", in)
	stays := visits(t, b, "M", 2)
	run(t, b)
	waitFor(t, "the entries answered 500", func() bool {
		n := 0
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{State: park.DeliveryFailed}) {
			if d.Report == park.ReportEntry && d.Attempts == 1 {
				n++
			}
		}
		return n == 4 // 2 of app's, 2 of other's
	})
	was := map[string]time.Time{}
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: otherSub.ID}) {
		was[d.ID] = d.NextAt
	}
	for _, sub := range []*park.Subscription{entries, exits} {
		if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{URL: &moved.URL}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the entries and exits acknowledged at the new URL", func() bool { return len(moved.Acked()) == 4 })
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: entries.ID}) {
		if d.State != park.DeliveryDelivered || d.Attempts != 2 {
			t.Errorf("entry %s: %s after %d attempts, want delivered after 2 (1 failed at the old URL)", d.ReportID, d.State, d.Attempts)
		}
	}
	entryAcked, exitSent := map[string]int{}, map[string]int{}
	for _, r := range moved.Requests() {
		n := parse(t, r)
		if n.Type == park.ReportEntry && r.Acked {
			entryAcked[n.Data.Stay.ID] = r.Seq
		} else if n.Type == park.ReportExit {
			exitSent[n.Data.Stay.ID] = r.Seq
		}
	}
	for _, st := range stays {
		if entryAcked[st] == 0 || exitSent[st] < entryAcked[st] {
			t.Errorf("stay %s: exit sent at request %d, its entry acknowledged at %d; want the entry first", st, exitSent[st], entryAcked[st])
		}
	}
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: otherSub.ID}) {
		if d.State != park.DeliveryFailed || d.Attempts != 1 || !d.NextAt.Equal(was[d.ID]) {
			t.Errorf("the other partner's entry %s: %s, %d attempts, due %s; want failed, 1 attempt, due %s as before",
				d.ReportID, d.State, d.Attempts, d.NextAt, was[d.ID])
		}
	}
	if n := len(elsewhere.Requests()); n != 2 {
		t.Errorf("the other partner got %d requests, want 2 (one a car, its retry 2 h away)", n)
	}
}
