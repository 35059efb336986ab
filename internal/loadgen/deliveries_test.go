package loadgen

import (
	"context"
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
	if err := h.EnableSubscriptions(ctx); err != nil {
		t.Fatal(err)
	}
	if d := Drain(ctx, rc, 100, time.Minute); d.Reports != 100 {
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
