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

// storedPause is the subscription's pause as an operator reads it (zero:
// none).
func storedPause(t *testing.T, b *systemtest.Bundle, sub *park.Subscription) time.Time {
	t.Helper()
	got, err := b.Sys.Deliveries.GetSubscription(b.Ctx, sub.PartnerID, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.PausedUntil
}

// TestPatchChangingNothingKeepsPause: PATCHes that change neither url
// nor enabled (enabled named as it already is, concurrency as it already
// is, a new rate limit) keep the partner's pause, stored and on the node
// that heard it. The 429 came at now with Retry-After 86400, so the pause
// ends at now + 86400 s after each PATCH; the second car's entry is
// never sent (the clock stands still).
func TestPatchChangingNothingKeepsPause(t *testing.T) {
	b := systemtest.New(t)
	rc := deliverytest.New(t)
	sub := pausedForADay(t, b, rc)
	want := b.Clock.Now().Add(86400 * time.Second)
	on, one, seven := true, 1, 7
	for _, p := range []deliveries.SubscriptionPatch{{Enabled: &on}, {Concurrency: &one}, {RateLimit: &seven}} {
		if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, p); err != nil {
			t.Fatal(err)
		}
		if got := storedPause(t, b, sub); !got.Equal(want) {
			t.Fatalf("after PATCH %+v the pause ends at %v, want %v", p, got, want)
		}
	}
	// The worker node holds it too: what it held back is not sent. A
	// lifted pause would be sent within a few polls (TestReplayLiftsRetryAfter).
	if _, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", sub.ID, "", b.Clock.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both entries sent after the replay", func() bool { return len(rc.Acked()) >= 2 })
}

// TestPauseHeardAcrossLimitsPatch: the partner's 429 (Retry-After: 120)
// answers an attempt sent before a PATCH of the subscription's rate limit
// and heard after it: the pause is stored all the same, ending at
// now + 120 s (the clock stands still), and an operator sees it.
func TestPauseHeardAcrossLimitsPatch(t *testing.T) {
	b := systemtest.New(t)
	rc := deliverytest.New(t)
	partner(t, b, "app")
	sent, patched := make(chan struct{}), make(chan struct{})
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Seq == 1 {
			close(sent)
			<-patched
			return deliverytest.Answer{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}}
		}
		return deliverytest.Answer{}
	})
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Concurrency: 1,
		Schedule: shortSchedule(5, 0)})
	visits(t, b, "W", 1)
	runService(t, node(b, time.Minute))
	once := sync.OnceFunc(func() { close(patched) })
	t.Cleanup(once) // before the node stops, however the test ends
	select {
	case <-sent:
	case <-time.After(within):
		t.Fatal("the first attempt never reached the partner")
	}
	seven := 7
	if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{RateLimit: &seven}); err != nil {
		t.Fatal(err)
	}
	once()
	want := b.Clock.Now().Add(120 * time.Second)
	waitFor(t, "the 429 recorded", func() bool {
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
			if d.LastStatus == http.StatusTooManyRequests {
				return true
			}
		}
		return false
	})
	if got := storedPause(t, b, sub); !got.Equal(want) {
		t.Fatalf("the pause heard across the PATCH ends at %v, want %v", got, want)
	}
}
