package deliveries_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// node is another parkd node's delivery worker over b's store.
func node(b *systemtest.Bundle, lease time.Duration) *deliveries.Service {
	return deliveries.New(deliveries.Config{Store: b.Store, Now: b.Clock.Now,
		Options: deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond, Lease: lease}})
}

// overlapping returns the event ids that were being sent twice at once.
func overlapping(rc *deliverytest.Receiver) []string {
	open := map[string][]deliverytest.Request{}
	var out []string
	for _, r := range rc.Requests() {
		for _, o := range open[r.EventID] {
			if o.End.IsZero() || r.Start.Before(o.End) {
				out = append(out, r.EventID)
			}
		}
		open[r.EventID] = append(open[r.EventID], r)
	}
	return out
}

// TestTwoWorkersOneOutbox: two nodes' workers drain one outbox: every
// report arrives, once (no node died, no lease ran out), and never two
// requests of one report at once.
func TestTwoWorkersOneOutbox(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Seq%7 == 0 {
			return deliverytest.Answer{Status: 503}
		}
		return deliverytest.Answer{Wait: 5 * time.Millisecond}
	})
	for _, k := range []string{park.ReportEntry, park.ReportExit, park.ReportOrder} {
		subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: k, URL: rc.URL, Schedule: shortSchedule(10, 10*time.Millisecond),
			Timeout: 5 * time.Second, Concurrency: 8, RateLimit: 1000})
	}
	stays := visits(t, b, "W", 20)
	runService(t, node(b, 0))
	runService(t, node(b, 0))
	waitDelivered(t, b, 3*len(stays))
	if o := overlapping(rc); len(o) > 0 {
		t.Errorf("reports sent twice at once: %v", o)
	}
	for id, n := range rc.Acked() {
		if n != 1 {
			t.Errorf("report %s acknowledged %d times, want once", id, n)
		}
	}
	checkArrivals(t, rc, stays)
}

// TestAttemptEndsWithinItsClaim: a partner that never answers, a
// subscription timeout longer than the claim's lease, and two nodes:
// each attempt is cut before its claim ends, so the other node, taking
// the delivery once the lease is over, never sends it while the first
// still is.
func TestAttemptEndsWithinItsClaim(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{Hang: true} })
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL,
		Schedule: shortSchedule(30, 0), Timeout: park.MaxDeliveryTimeout})
	b.Event(t, park.EventEntry, "京L00001", b.Clock.Now().Add(-time.Minute))
	const lease = 3 * time.Second
	runService(t, node(b, lease))
	runService(t, node(b, lease))
	// Attempts cut by their claim's end, recorded as timeouts.
	waitFor(t, "three attempts, cut", func() bool {
		ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: sub.ID})
		return rc.Len() >= 3 && ds[0].Attempts >= 1 && ds[0].LastReply == "no answer before the timeout"
	})
	if o := overlapping(rc); len(o) > 0 {
		t.Errorf("the report was sent twice at once: %d overlaps", len(o))
	}
}

// heldTransport answers every request 200 without a network, holding the
// first until release is closed, and records how long each request had
// before its deadline.
type heldTransport struct {
	started chan struct{} // closed when the first request arrives
	release chan struct{}
	mu      sync.Mutex
	budgets []time.Duration
}

func (h *heldTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	deadline, ok := r.Context().Deadline()
	if !ok {
		return nil, errors.New("a request without a deadline")
	}
	h.mu.Lock()
	h.budgets = append(h.budgets, time.Until(deadline))
	first := len(h.budgets) == 1
	h.mu.Unlock()
	if first {
		close(h.started)
		<-h.release
	}
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("ok")), Header: http.Header{}, Request: r}, nil
}

// TestAttemptGetsItsTimeout: a delivery that waited for its turn on a
// busy node until less than its timeout is left of its lease is not sent
// with a timeout cut to what is left (a reply in time would be counted a
// failure and sent again): it is given back untried and claimed afresh,
// then sent with its whole timeout, one attempt counted.
func TestAttemptGetsItsTimeout(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	const timeout, lease = 4 * time.Second, 10 * time.Second
	rc := deliverytest.New(t) // only its URL: the transport answers
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL,
		Timeout: timeout, Concurrency: 1, RateLimit: 1000})
	b.Event(t, park.EventEntry, "京T00001", b.Clock.Now().Add(-time.Minute))
	b.Event(t, park.EventEntry, "京T00002", b.Clock.Now().Add(-time.Minute))
	h := &heldTransport{started: make(chan struct{}), release: make(chan struct{})}
	runService(t, deliveries.New(deliveries.Config{Store: b.Store, Now: b.Clock.Now, Client: &http.Client{Transport: h},
		Options: deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond, Lease: lease}}))

	// Both are claimed at once; one is sent and answered only once 7 s
	// have passed, while the other waits for its turn (concurrency 1):
	// 2 s of its lease are left when it starts.
	select {
	case <-h.started:
	case <-time.After(within):
		t.Fatal("no request")
	}
	b.Clock.Set(b.Clock.Now().Add(7 * time.Second))
	close(h.release)

	waitFor(t, "both delivered", func() bool {
		n := 0
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: sub.ID, State: park.DeliveryDelivered}) {
			if d.Attempts != 1 {
				t.Errorf("delivery %s: %d attempts, want 1", d.ID, d.Attempts)
			}
			n++
		}
		return n == 2
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.budgets) != 2 {
		t.Errorf("%d requests, want 2", len(h.budgets))
	}
	for i, got := range h.budgets {
		// Measured just after the deadline was set: a second less is
		// only a slow machine; a cut one had at most 2 s.
		if got < timeout-time.Second {
			t.Errorf("request %d sent with %v before its deadline, want the subscription's %v", i+1, got.Round(time.Millisecond), timeout)
		}
	}
}
