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
