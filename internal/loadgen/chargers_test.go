package loadgen

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestFleet: a few simulated charge points connect, each gets a session
// started over the native API, and every MeterValues and Heartbeat the
// run sends is answered.
func TestFleet(t *testing.T) {
	srv := spawn(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h, err := New(Config{BaseURL: srv.URL, Token: srv.Token, Lot: "fleet", Concurrency: 1, Duration: time.Second,
		MaxRequests: 1000, RequestTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := h.SetupFleet(ctx, FleetConfig{Points: 5, MeterRate: 20, Heartbeat: time.Second, MemPID: os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, tx := range f.txs {
		if tx == 0 {
			t.Errorf("point %d has no transaction", i)
		}
	}
	res := f.Run(ctx, time.Second)
	if res.Meter.Errors != 0 || res.Heartbeats.Errors != 0 {
		t.Fatalf("errors: %v", res.ErrorSamples)
	}
	if res.Meter.Count == 0 || res.Heartbeats.Count == 0 || res.Online != 5 {
		t.Fatalf("run: %d meter values, %d heartbeats, %d online; want some of each and 5 online", res.Meter.Count,
			res.Heartbeats.Count, res.Online)
	}
	// parkd counted each answer the points got, by its own clock.
	if res.ServerErr != nil {
		t.Fatalf("parkd's answer times: %v", res.ServerErr)
	}
	for _, c := range []struct {
		action string
		l      Latency
	}{{"MeterValues", res.Meter}, {"Heartbeat", res.Heartbeats}} {
		b := res.Server[c.action]
		if b.Total != uint64(c.l.Count) {
			t.Errorf("%s: parkd counted %d answers, the points got %d", c.action, b.Total, c.l.Count)
		}
		if _, ok := b.Within(answerBound); !ok {
			t.Errorf("%s: no bucket of parkd's histogram ends at %s: the share within it cannot be read", c.action, answerBound)
		}
	}
	if f.RSSAfter <= 0 {
		t.Errorf("resident memory of this process not read: %d", f.RSSAfter)
	}
}

func TestFleetConfig(t *testing.T) {
	for _, c := range []FleetConfig{{Points: 0, Heartbeat: time.Minute}, {Points: MaxPoints + 1, Heartbeat: time.Minute},
		{Points: 1, MeterRate: -1, Heartbeat: time.Minute}, {Points: 1, Heartbeat: time.Millisecond}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: want an error", c)
		}
	}
}
