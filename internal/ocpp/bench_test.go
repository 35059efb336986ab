package ocpp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/ocpp"
	"parkd/internal/ocpp/ocppsim"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// benchPoints is how many simulated charge points a benchmark connects:
// bounded, on loopback (PARKD_BENCH_POINTS is not read on purpose: the
// machine is shared).
const benchPoints = 200

// benchRig connects n simulated cabinets, one open session each, to a
// central system over SQLite.
func benchRig(b *testing.B, n int) (*system.System, []*ocppsim.Point, []int64) {
	ctx := context.Background()
	sys := system.New(system.Config{Store: teststore.Open(b)})
	if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: "L1", Name: "Bench", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 10, MissedEntry: park.MissedEntryHold}); err != nil {
		b.Fatal(err)
	}
	st, err := sys.Charging.CreateStandard(ctx, charging.StandardInput{Name: "energy", Family: park.FamilyTwoWheeler,
		Rules: park.ChargeRules{Kind: "energy", Payment: "balance", RefundTo: "balance",
			Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100}}}})
	if err != nil {
		b.Fatal(err)
	}
	cs := ocpp.New(ocpp.Config{Charging: sys.Charging})
	sys.Charging.SetRemote(cs)
	mux := http.NewServeMux()
	mux.Handle("GET /ocpp/{id}", cs)
	hs := httptest.NewServer(mux)
	b.Cleanup(func() { cs.Close(); hs.Close() })
	url := "ws" + strings.TrimPrefix(hs.URL, "http")
	points := make([]*ocppsim.Point, n)
	txs := make([]int64, n)
	for i := range points {
		id := fmt.Sprintf("B%05d", i)
		if _, err := sys.Charging.RegisterCharger(ctx, charging.ChargerInput{ID: id, LotCode: "L1", Connectors: 10,
			StandardID: st.ID, Password: password}); err != nil {
			b.Fatal(err)
		}
		p, err := ocppsim.Dial(ctx, url, id, password)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(p.Close)
		p.SetAutoStart(true)
		if _, err := p.Boot(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := sys.Charging.StartSession(ctx, charging.StartInput{ChargerID: id, Connector: 1}); err != nil {
			b.Fatal(err)
		}
		for j := 0; p.LastTransaction() == 0 && j < 1000; j++ {
			time.Sleep(time.Millisecond)
		}
		points[i], txs[i] = p, p.LastTransaction()
	}
	return sys, points, txs
}

// BenchmarkMeterValues: benchPoints charge points send MeterValues of
// their open sessions at once; each is stored and billed before it is
// answered. Reports the p99 answer time.
func BenchmarkMeterValues(b *testing.B) {
	_, points, txs := benchRig(b, benchPoints)
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			i := int(next.Add(1)) % len(points)
			p := points[i]
			wh := p.Register.Add(10)
			start := time.Now()
			if err := p.Meter(context.Background(), 1, txs[i], ocppsim.Sample{At: time.Now(), EnergyWh: wh, PowerW: 200}); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkConnections: memory held per connected charge point (both
// ends: the server's connection and the simulator's, in one process). It
// connects benchPoints once whatever b.N: the figure is per connection,
// not per iteration. Run it with -benchtime 1x.
func BenchmarkConnections(b *testing.B) {
	for range 1 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		g0 := runtime.NumGoroutine()
		_, points, _ := benchRig(b, benchPoints)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/float64(len(points))/1024, "KiB/point")
		b.ReportMetric(float64(runtime.NumGoroutine()-g0)/float64(len(points)), "goroutines/point")
	}
}
