package deliveries_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestRetryAfterValues: how long a delivery waits after a 429 whose
// Retry-After says so. The clock stands still and the schedule's next
// wait is 0, so the wait recorded is the Retry-After's alone: its seconds,
// at most a day however many, or until its HTTP date.
func TestRetryAfterValues(t *testing.T) {
	b := systemtest.New(t)
	now := b.Clock.Now()
	cases := []struct {
		partner, header string
		want            time.Duration
	}{
		{"seconds", "120", 2 * time.Minute},
		{"a-day", "86400", 24 * time.Hour},
		{"over-a-day", "86401", 24 * time.Hour},
		{"centuries", "10000000000", 24 * time.Hour},             // 317 years: more nanoseconds than a Duration holds
		{"beyond-int64", "99999999999999999999", 24 * time.Hour}, // only digits still: delay-seconds
		// An HTTP date has whole seconds: the hour is counted from the
		// second the clock stands in.
		{"date-in-an-hour", now.Add(time.Hour).UTC().Format(http.TimeFormat), time.Hour - time.Duration(now.Nanosecond())},
	}
	rc := deliverytest.New(t)
	headers := map[string]string{}
	for _, c := range cases {
		headers["/"+c.partner] = c.header
		partner(t, b, c.partner)
		subscribe(t, b, c.partner, park.ReportEntry, rc.URL+"/"+c.partner, 0, 0)
	}
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		return deliverytest.Answer{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {headers[r.Path]}}}
	})
	b.Event(t, park.EventEntry, "京A12345", now.Add(-time.Minute))
	run(t, b)
	for _, c := range cases {
		var d *park.Delivery
		waitFor(t, c.partner+": the 429 recorded", func() bool {
			ds := listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: c.partner})
			if len(ds) == 1 && ds[0].Attempts >= 1 && ds[0].State != park.DeliverySending {
				d = ds[0]
				return true
			}
			return false
		})
		if d.State != park.DeliveryFailed || d.Attempts != 1 || d.LastStatus != http.StatusTooManyRequests || d.LastAttemptAt == nil {
			t.Errorf("%s: Retry-After %q: delivery %s after %d attempts, last status %d", c.partner, c.header, d.State, d.Attempts, d.LastStatus)
			continue
		}
		if got := d.NextAt.Sub(*d.LastAttemptAt); got != c.want {
			t.Errorf("%s: Retry-After %q waits %v, want %v", c.partner, c.header, got, c.want)
		}
	}
}

// TestRedirectNamed: a receiver that moved answers 301 with where to;
// parkd does not follow it, and the delivery's last reply names where it
// pointed, so the operator can fix the subscription's URL.
func TestRedirectNamed(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		return deliverytest.Answer{Status: http.StatusMovedPermanently, Header: http.Header{"Location": {"https://crm.example.com/v2/hook"}}}
	})
	subscribe(t, b, "app", park.ReportEntry, rc.URL, 0) // one attempt
	b.Event(t, park.EventEntry, "京A12345", b.Clock.Now().Add(-time.Minute))
	run(t, b)
	var d *park.Delivery
	waitFor(t, "the attempt recorded", func() bool {
		ds := listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"})
		if len(ds) == 1 && ds[0].State == park.DeliveryDead {
			d = ds[0]
			return true
		}
		return false
	})
	if d.LastStatus != http.StatusMovedPermanently || !strings.Contains(d.LastReply, "https://crm.example.com/v2/hook") {
		t.Errorf("recorded %d %q; want 301 naming https://crm.example.com/v2/hook", d.LastStatus, d.LastReply)
	}
	if rc.Len() != 1 {
		t.Errorf("%d requests, want 1 (the redirect not followed)", rc.Len())
	}
}

// TestScheduleFirstStep: a subscription's schedule starts with the wait
// before the first attempt (the default's 0 is "at once"): with 2 s, a
// report is first sent two seconds after it was written, then retried
// on the later steps.
func TestScheduleFirstStep(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Try == 1 {
			return deliverytest.Answer{Status: http.StatusServiceUnavailable}
		}
		return deliverytest.Answer{}
	})
	subscribe(t, b, "app", park.ReportEntry, rc.URL, 2*time.Second, 0)
	b.Event(t, park.EventEntry, "京A12345", b.Clock.Now().Add(-time.Minute))
	ds := listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"})
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1", len(ds))
	}
	written := ds[0].CreatedAt.Unix()
	run(t, b)
	waitFor(t, "the entry acknowledged", func() bool { return len(rc.Acked()) == 1 })
	got := rc.Requests()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2 (a 503, then the retry at once)", len(got))
	}
	if ts := stamp(t, got[0]); ts < written+2 {
		t.Errorf("first attempt at %d, the report written at %d: want 2 s later or more", ts, written)
	}
}

// TestRetryAfterOutlastsAPatch: the operator changes the subscription
// (here its timeout) while its partner's Retry-After runs: the partner's
// pause still holds, and nothing is sent to it before it ends, not even
// the report of a car that entered after the change.
func TestRetryAfterOutlastsAPatch(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Seq == 1 {
			return deliverytest.Answer{Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"3"}}}
		}
		return deliverytest.Answer{}
	})
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Concurrency: 1,
		Schedule: shortSchedule(5, 0)})
	visits(t, b, "P", 3)
	run(t, b)
	waitFor(t, "the 503 recorded", func() bool {
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
			if d.LastStatus == http.StatusServiceUnavailable {
				return true
			}
		}
		return false
	})
	timeout := 20 * time.Second
	if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	// A car that enters now: its report is due at once, and waits too.
	visits(t, b, "Q", 1)
	waitFor(t, "4 entries acknowledged", func() bool { return len(rc.Acked()) >= 4 })
	got := rc.Requests()
	first := stamp(t, got[0])
	for _, r := range got[1:] {
		if ts := stamp(t, r); ts < first+3 {
			t.Errorf("report %s (try %d) sent at %d, the partner's 503 at %d asked for nothing before %d",
				r.EventID, r.Try, ts, first, first+3)
		}
	}
}
