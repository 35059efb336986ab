package deliveries_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestLateGoneKeepsItEnabled: a partner answers 410 to one report, and
// parkd disables its subscription. The operator enables it again, and
// only then does the partner answer 410 to another report that had been
// sent before: that answer belongs to the subscription as it was, and
// must not disable it a second time. Every report is then delivered.
func TestLateGoneKeepsItEnabled(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	var mu sync.Mutex
	entries := 0
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		mu.Lock()
		entries++
		n := entries
		mu.Unlock()
		switch n {
		case 1:
			return deliverytest.Answer{Status: http.StatusGone}
		case 2: // sent while the first was answered; answered late
			arrived <- struct{}{}
			<-release
			return deliverytest.Answer{Status: http.StatusGone}
		}
		return deliverytest.Answer{}
	})
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL + "/entry",
		Schedule: shortSchedule(30, 20*time.Millisecond), Timeout: 10 * time.Second})
	visits(t, b, "G", 2)
	run(t, b)
	select {
	case <-arrived:
	case <-time.After(within):
		t.Fatal("the second report was never sent")
	}
	waitFor(t, "the subscription disabled by the first 410", func() bool {
		s, err := b.Sys.Deliveries.GetSubscription(b.Ctx, "app", sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		return !s.Enabled
	})
	on := true
	if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	close(release)
	waitDelivered(t, b, 2)
	s, err := b.Sys.Deliveries.GetSubscription(b.Ctx, "app", sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Enabled {
		t.Fatalf("subscription disabled again by the late 410: %+v", s)
	}
}
