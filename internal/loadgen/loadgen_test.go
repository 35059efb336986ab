package loadgen

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"parkd/internal/plate"
)

func TestPlate(t *testing.T) {
	seen := map[string]uint64{}
	check := func(n uint64) {
		s := Plate(n)
		p, err := plate.Normalize(s)
		if err != nil {
			t.Fatalf("Plate(%d) = %q: %v", n, s, err)
		}
		if p.Text != s || p.NewEnergy {
			t.Fatalf("Plate(%d) = %q normalises to %+v", n, s, p)
		}
		if m, dup := seen[s]; dup {
			t.Fatalf("Plate(%d) = Plate(%d) = %q", n, m, s)
		}
		seen[s] = n
	}
	for n := range uint64(20_000) {
		check(n)
	}
	for _, n := range []uint64{serialSpace - 1, serialSpace, 24*serialSpace - 1, 24 * serialSpace, 31*24*serialSpace - 1} {
		check(n)
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:80", "http://127.1.2.3:9/"} {
		if err := CheckLoopback(u); err != nil {
			t.Errorf("CheckLoopback(%q) = %v, want nil", u, err)
		}
	}
	for _, u := range []string{"http://10.0.0.1:8080", "http://example.com", "https://127.0.0.1", "http://0.0.0.0:80",
		"http://127.0.0.1:8080/v1", "http://u:p@127.0.0.1", "127.0.0.1:8080"} {
		if err := CheckLoopback(u); err == nil {
			t.Errorf("CheckLoopback(%q) = nil, want an error", u)
		}
	}
}

// spawn starts an in-process parkd for one test or benchmark.
func spawn(tb testing.TB) *Server { return spawnWith(tb, SpawnOptions{}) }

func spawnWith(tb testing.TB, opt SpawnOptions) *Server {
	tb.Helper()
	opt.Dir = tb.TempDir()
	srv, err := Spawn(context.Background(), opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("stopping parkd: %v", err)
		}
	})
	return srv
}

// TestGateFlow runs the harness briefly: it must see no error, and every
// car held at the exit must have paid and left.
func TestGateFlow(t *testing.T) {
	srv := spawn(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h, err := New(Config{
		BaseURL: srv.URL, Token: srv.Token, Lot: "flow", Concurrency: 4, Prefill: 200,
		Duration: 2 * time.Second, MaxRequests: 100_000, PrefillTimeout: 30 * time.Second,
		RequestTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.Setup(ctx); err == nil {
		t.Error("second Setup of the same lot: want an error, got nil")
	}

	p := h.Prefill(ctx)
	if p.Errors != 0 || p.Cars != 200 {
		t.Fatalf("prefill: %d cars, %d errors, want 200 and 0: %v", p.Cars, p.Errors, p.ErrorSamples)
	}
	res := h.Run(ctx)
	if res.Errors != 0 {
		t.Fatalf("run: %d errors: %v", res.Errors, res.ErrorSamples)
	}
	if res.Visits == 0 {
		t.Fatal("run: no visit completed in 2 s")
	}
	if res.Held != res.Visits || res.Paid != res.Visits || res.Opened != res.Visits {
		t.Errorf("run: %d visits, %d held, %d paid, %d opened: want all equal", res.Visits, res.Held, res.Paid, res.Opened)
	}
	if want := 3 * res.Visits; res.GateEvents != want {
		t.Errorf("run: %d gate events for %d visits, want %d", res.GateEvents, res.Visits, want)
	}
	// parkd timed each of them itself, in a histogram with a bucket at the bar.
	if res.ServerErr != nil {
		t.Fatalf("parkd's answer times: %v", res.ServerErr)
	}
	if res.ServerEvents.Total != uint64(res.GateEvents) {
		t.Errorf("parkd timed %d gate events, the harness sent %d", res.ServerEvents.Total, res.GateEvents)
	}
	if _, ok := res.ServerEvents.Within(eventBound); !ok {
		t.Errorf("no bucket of parkd's histogram ends at %s", eventBound)
	}
	// Every visiting car left; the prefilled cars are still inside.
	var occ struct{ Occupied int }
	if err := h.call(ctx, "GET", "/v1/lots/flow/occupancy", nil, nil, 200, &occ); err != nil {
		t.Fatal(err)
	}
	if occ.Occupied != 200 {
		t.Errorf("occupancy after the run: %d cars inside, want the 200 prefilled", occ.Occupied)
	}
	if testing.Verbose() {
		p.Print(t.Output())
		res.Print(t.Output())
	}
}

// TestGateFlowLingering keeps five cars a worker inside before the oldest
// leaves, under scattered plates: every car that left was held, paid and
// let out, and the cars still inside are the prefill's and the workers'.
func TestGateFlowLingering(t *testing.T) {
	srv := spawn(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const workers, linger, prefill = 4, 5, 100
	h, err := New(Config{
		BaseURL: srv.URL, Token: srv.Token, Lot: "linger", Concurrency: workers, Prefill: prefill,
		Duration: 2 * time.Second, MaxRequests: 100_000, PrefillTimeout: 30 * time.Second,
		RequestTimeout: 10 * time.Second, Linger: linger, Scatter: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	if p := h.Prefill(ctx); p.Errors != 0 || p.Cars != prefill {
		t.Fatalf("prefill: %d cars, %d errors: %v", p.Cars, p.Errors, p.ErrorSamples)
	}
	res := h.Run(ctx)
	if res.Errors != 0 {
		t.Fatalf("run: %d errors: %v", res.Errors, res.ErrorSamples)
	}
	if res.Visits == 0 || res.Held != res.Visits || res.Paid != res.Visits || res.Opened != res.Visits {
		t.Fatalf("run: %d visits, %d held, %d paid, %d opened: want all equal and some", res.Visits, res.Held, res.Paid, res.Opened)
	}
	// Each worker's last five cars are still inside: entries = visits + 20.
	entries := res.Kinds[KindEntry].Count
	if want := res.Visits + workers*linger; entries != want {
		t.Errorf("run: %d entries for %d departures, want %d", entries, res.Visits, want)
	}
	if want := entries + 2*res.Visits; res.GateEvents != want {
		t.Errorf("run: %d gate events, want %d", res.GateEvents, want)
	}
	var occ struct{ Occupied int }
	if err := h.call(ctx, "GET", "/v1/lots/linger/occupancy", nil, nil, 200, &occ); err != nil {
		t.Fatal(err)
	}
	if want := prefill + workers*linger; occ.Occupied != want {
		t.Errorf("occupancy after the run: %d cars inside, want %d", occ.Occupied, want)
	}
}

// TestScatter: scattered plates are distinct, and neighbours differ in
// their leading serial characters, so they sort far apart.
func TestScatter(t *testing.T) {
	seen := map[uint64]bool{}
	for i := range uint64(100_000) {
		x := Scatter(i)
		if x >= 1<<34 || seen[x] {
			t.Fatalf("Scatter(%d) = %d: out of range or repeated", i, x)
		}
		seen[x] = true
	}
	same := 0
	for i := range uint64(1000) {
		a, b := []rune(Plate(Scatter(i))), []rune(Plate(Scatter(i+1)))
		if string(a[:4]) == string(b[:4]) {
			same++
		}
	}
	if same > 50 {
		t.Errorf("%d of 1000 neighbouring scattered plates share their first four characters", same)
	}
}

// BenchmarkGateFlow measures whole visits (entry, held exit, quote,
// payment, exit) with 32 workers against an in-process parkd whose lot
// holds PARKD_BENCH_PREFILL cars (default 1000). ns/op is per visit;
// events/s counts entries and exits.
func BenchmarkGateFlow(b *testing.B) {
	prefill := 1000
	if s := os.Getenv("PARKD_BENCH_PREFILL"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("PARKD_BENCH_PREFILL: %v", err)
		}
		prefill = n
	}
	srv := spawn(b)
	ctx := context.Background()
	h, err := New(Config{
		BaseURL: srv.URL, Token: srv.Token, Lot: "bench", Concurrency: 32, Prefill: prefill,
		Duration: 10 * time.Minute, MaxRequests: visitRequests * int64(b.N),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	if err := h.Setup(ctx); err != nil {
		b.Fatal(err)
	}
	if p := h.Prefill(ctx); p.Errors != 0 {
		b.Fatalf("prefill: %d errors: %v", p.Errors, p.ErrorSamples)
	}
	b.ResetTimer()
	res := h.Run(ctx)
	b.StopTimer()
	if res.Errors != 0 {
		b.Fatalf("run: %d errors: %v", res.Errors, res.ErrorSamples)
	}
	b.ReportMetric(res.EventsPerSecond(), "events/s")
	b.ReportMetric(float64(res.Events.P50)/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(res.Events.P99)/float64(time.Millisecond), "p99-ms")
}
