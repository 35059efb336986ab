package deliveries_test

import (
	"net/http"
	"strconv"
	"testing"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestRetryAfterPausesTheSubscription: a partner that answers 429 with
// Retry-After: 2 asked for no request before two seconds have passed,
// not only no retry of that report: the other cars' entries, waiting for
// their turn behind it, are not sent before then either, and all arrive
// after it.
func TestRetryAfterPausesTheSubscription(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Seq == 1 {
			return deliverytest.Answer{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"2"}}}
		}
		return deliverytest.Answer{}
	})
	// One at a time, so the 429 is answered before any other is sent.
	subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Concurrency: 1,
		Schedule: shortSchedule(5, 0)})
	visits(t, b, "R", 3)
	run(t, b)
	waitFor(t, "3 entries acknowledged", func() bool { return len(rc.Acked()) >= 3 })
	got := rc.Requests()
	if got[0].Answer.Status != http.StatusTooManyRequests {
		t.Fatalf("first request answered %d", got[0].Answer.Status)
	}
	// Unix seconds: a request two seconds or more after the first has a
	// timestamp at least two more.
	first := stamp(t, got[0])
	for _, r := range got[1:] {
		if ts := stamp(t, r); ts < first+2 {
			t.Errorf("report %s (try %d) sent at %d, the partner's 429 at %d asked for nothing before %d",
				r.EventID, r.Try, ts, first, first+2)
		}
	}
}

func stamp(t *testing.T, r deliverytest.Request) int64 {
	t.Helper()
	ts, err := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
	if err != nil {
		t.Fatalf("webhook-timestamp %q", r.Header.Get("webhook-timestamp"))
	}
	return ts
}
