package deliveries_test

import (
	"net/http"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestSensorlessGone: a partner that answers a sensorless ask 410 Gone has
// no such endpoint any more, as for any report: its subscription is
// disabled, the car is held as any other, and its next read asks nobody.
func TestSensorlessGone(t *testing.T) {
	rc := newReceiver(t)
	rc.reply = func(int, received) (int, http.Header, string, time.Duration) { return http.StatusGone, nil, "", 0 }
	b, st := sensorless(t, rc)
	due := systemtest.Fee(2 * time.Hour)
	systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, due)
	subs, err := b.Sys.Deliveries.ListSubscriptions(b.Ctx, "etc")
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].Enabled || subs[0].DisabledBy == "" {
		t.Fatalf("subscriptions after a 410: %+v, want the one disabled, saying why", subs)
	}
	systemtest.WantDecision(t, exit(t, b, "x-2"), park.DecisionHold, park.ReasonPaymentRequired, due)
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("the partner was asked %d times, want once (its subscription is gone)", n)
	}
	if s := b.Stay(t, st.ID); s.Paid != 0 || s.State != park.StayIn {
		t.Fatalf("stay %+v", s)
	}
}

// TestSensorlessRetryAfter: a partner that answers 429 with Retry-After:
// 60 asked for no request for a minute: reads of the car meanwhile hold it
// as any other without asking; after the minute it is asked again.
func TestSensorlessRetryAfter(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			rc := newReceiver(t)
			rc.reply = func(n int, _ received) (int, http.Header, string, time.Duration) {
				if n == 1 {
					return status, http.Header{"Retry-After": {"60"}}, "busy", 0
				}
				return 200, nil, paidAnswer, 0
			}
			b, st := sensorless(t, rc)
			due := systemtest.Fee(2 * time.Hour)
			systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, due)
			b.Clock.Set(b.Clock.Now().Add(59 * time.Second))
			systemtest.WantDecision(t, exit(t, b, "x-2"), park.DecisionHold, park.ReasonPaymentRequired, systemtest.Fee(2*time.Hour+59*time.Second))
			if n := len(rc.requests()); n != 1 {
				t.Fatalf("the partner was asked %d times within its Retry-After, want once", n)
			}
			b.Clock.Set(b.Clock.Now().Add(2 * time.Second))
			systemtest.WantDecision(t, exit(t, b, "x-3"), park.DecisionOpen, park.ReasonPaid, 0)
			if n := len(rc.requests()); n != 2 {
				t.Fatalf("the partner was asked %d times, want twice", n)
			}
			if s := b.Stay(t, st.ID); s.State != park.StayOut || s.Paid != systemtest.Fee(2*time.Hour+61*time.Second) {
				t.Fatalf("stay %+v, want left with %d paid", s, systemtest.Fee(2*time.Hour+61*time.Second))
			}
		})
	}
}

// TestSensorlessStoredPause: a pause the store holds (another node heard
// the partner's Retry-After, or this node restarted since) holds the ask
// too, though this node never heard it: the car is held at once as any
// other, the partner not asked. The pause ends 60 s after now; at +59 s
// the read still owes Fee(2 h 59 s) = ceil(120.98/30) × 200 = 5 × 200 =
// 1000, and is held; at +61 s the partner is asked and pays.
func TestSensorlessStoredPause(t *testing.T) {
	rc := newReceiver(t)
	rc.reply = func(int, received) (int, http.Header, string, time.Duration) { return 200, nil, paidAnswer, 0 }
	b, st := sensorless(t, rc)
	subs, err := b.Sys.Deliveries.ListSubscriptions(b.Ctx, "etc")
	if err != nil || len(subs) != 1 {
		t.Fatalf("subscriptions %v (%v)", subs, err)
	}
	until := b.Clock.Now().Add(60 * time.Second)
	if err := b.Store.Update(b.Ctx, func(tx park.Tx) error {
		return tx.PauseSubscription(b.Ctx, subs[0].ID, subs[0].URL, until)
	}); err != nil {
		t.Fatal(err)
	}
	systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, systemtest.Fee(2*time.Hour))
	b.Clock.Set(b.Clock.Now().Add(59 * time.Second))
	systemtest.WantDecision(t, exit(t, b, "x-2"), park.DecisionHold, park.ReasonPaymentRequired, 1000)
	if n := len(rc.requests()); n != 0 {
		t.Fatalf("the partner was asked %d times during the stored pause, want never", n)
	}
	b.Clock.Set(b.Clock.Now().Add(2 * time.Second))
	systemtest.WantDecision(t, exit(t, b, "x-3"), park.DecisionOpen, park.ReasonPaid, 0)
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("the partner was asked %d times after the pause, want once", n)
	}
	if s := b.Stay(t, st.ID); s.State != park.StayOut {
		t.Fatalf("stay %+v, want left", s)
	}
}
