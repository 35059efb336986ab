package loadgen

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDeliveriesMeasured runs the harness with a receiver: the prefill's
// entry reports wait while the subscriptions are off and all arrive once
// they are on; during the run, each visit's entry, exit and order reports
// arrive, each once.
func TestDeliveriesMeasured(t *testing.T) {
	srv := spawnWith(t, SpawnOptions{AllowPrivateWebhooks: true})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rc, err := StartReceiver()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h, err := New(Config{
		BaseURL: srv.URL, Token: srv.Token, Lot: "dlv", Concurrency: 4, Prefill: 100,
		Duration: time.Second, MaxRequests: 100_000, RequestTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.Subscribe(ctx, rc.URL, false); err != nil {
		t.Fatal(err)
	}
	if p := h.Prefill(ctx); p.Errors != 0 || p.Cars != 100 {
		t.Fatalf("prefill: %d cars, %d errors: %v", p.Cars, p.Errors, p.ErrorSamples)
	}
	// The worker polls several times a second: a disabled subscription
	// would have sent something by now.
	time.Sleep(time.Second)
	if req, _ := rc.Counts(); req != 0 {
		t.Fatalf("%d requests while the subscriptions were disabled, want 0", req)
	}
	m := rc.Mark()
	if err := h.EnableSubscriptions(ctx); err != nil {
		t.Fatal(err)
	}
	if d := Drain(ctx, rc, m, 100, time.Minute); d.Reports != 100 {
		t.Fatalf("backlog: %d of 100 entry reports delivered", d.Reports)
	}
	res := h.Run(ctx)
	if res.Errors != 0 || res.Visits == 0 {
		t.Fatalf("run: %d visits, %d errors: %v", res.Visits, res.Errors, res.ErrorSamples)
	}
	Settle(ctx, rc, 2*time.Second, time.Minute)
	if _, got := rc.Counts(); got != 100+3*res.Visits {
		t.Errorf("%d distinct reports delivered, want %d: 100 prefill entries and 3 for each of %d visits",
			got, 100+3*res.Visits, res.Visits)
	}
}

// TestDrainCountsFromMark: parkd sends the backlog as soon as the first
// subscription is enabled, while the harness still enables the others.
// Reports that arrive then belong to the backlog: counted from the mark
// taken before the enables, the drain finds them all. Counted from when
// the enables returned, the drain would wait for as many reports as
// arrived meanwhile (often 32, one claim at the subscriptions'
// concurrency) that never come again, and report the backlog stalled.
func TestDrainCountsFromMark(t *testing.T) {
	rc, err := StartReceiver()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	post := func(id string) {
		t.Helper()
		req, err := http.NewRequest("POST", rc.URL, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("webhook-id", id)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	post("before") // an earlier measurement's: not the backlog's
	m := rc.Mark()
	// Sent while the subscriptions were being enabled: the first three of
	// the backlog, one of them twice (at least once).
	for _, id := range []string{"d1", "d2", "d2", "d3"} {
		post(id)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The backlog is these 3 reports: all have arrived, so the drain ends
	// at once, with 3 distinct reports (d1, d2, d3) in 4 requests.
	d := Drain(ctx, rc, m, 3, 5*time.Second)
	if d.Reports != 3 || d.Requests != 4 {
		t.Fatalf("drain: %d reports in %d requests, want 3 in 4 (d1, d2 twice, d3)", d.Reports, d.Requests)
	}
}

// TestLimitSubscriptions: -delivery-rate 2000 over the flow's three
// subscriptions (entry, exit, order) gives each 2000/3 = 666 a second,
// what parkd then holds the partner to.
func TestLimitSubscriptions(t *testing.T) {
	srv := spawnWith(t, SpawnOptions{AllowPrivateWebhooks: true})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h, err := New(Config{
		BaseURL: srv.URL, Token: srv.Token, Lot: "lim", Concurrency: 1,
		Duration: time.Second, MaxRequests: 10, RequestTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.LimitSubscriptions(ctx, 2000); err == nil {
		t.Fatal("limiting before subscribing: no error, want one")
	}
	if err := h.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.Subscribe(ctx, "http://127.0.0.1:9/", false); err != nil {
		t.Fatal(err)
	}
	if err := h.LimitSubscriptions(ctx, 2000); err != nil {
		t.Fatal(err)
	}
	if len(h.subs) != 3 {
		t.Fatalf("%d subscriptions, want 3 (entry, exit, order)", len(h.subs))
	}
	for _, id := range h.subs {
		var sub struct {
			RateLimit int `json:"rate_limit"`
		}
		if err := h.call(ctx, "GET", "/v1/partners/"+h.partnerID()+"/subscriptions/"+id, nil, nil, 200, &sub); err != nil {
			t.Fatal(err)
		}
		if sub.RateLimit != 666 {
			t.Errorf("subscription %s: rate_limit %d, want 666 (2000 / 3)", id, sub.RateLimit)
		}
	}
}
