package ebopark_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/dialect/ebopark"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/service"
	"parkd/internal/store/sqlite"
)

// fuzzyBenchPlate is the i-th of 100,000 distinct Chinese plates: four
// provinces, any authority letter, a 5-digit serial (7919 is prime to
// 100,000, so the serials are a permutation).
func fuzzyBenchPlate(i int) string {
	return fmt.Sprintf("%c%c%05d", []rune("粤京沪苏")[i%4], 'A'+i%26, i*7919%100_000)
}

// fuzzyBenchQuery is what a driver types for car i: alternately the plate
// misread in one character (its 3rd serial digit replaced), and its last
// five characters.
func fuzzyBenchQuery(i int) string {
	p := []rune(fuzzyBenchPlate(i))
	if i%2 == 0 {
		p[4] = 'X'
		return string(p)
	}
	return string(p[len(p)-5:])
}

// BenchmarkFuzzyQueryPlate runs FuzzyQueryPlate over loopback HTTP with
// 100,000 cars inside one SQLite lot, from 32 concurrent clients
// (PARKD_BENCH_CLIENTS), and reports requests/s and the 50th/99th latency
// percentiles. The lot's index is built by one request before the clock
// starts. Target: p99 under 20 ms on 2 cores.
//
//	go test ./internal/dialect/ebopark -run XXX -bench FuzzyQueryPlate -benchtime 20000x
func BenchmarkFuzzyQueryPlate(b *testing.B) {
	const cars = 100_000
	clients := 32
	if n, _ := strconv.Atoi(os.Getenv("PARKD_BENCH_CLIENTS")); n > 0 {
		clients = n
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := service.New(service.Config{Store: st})
	now := time.Now()
	if _, err := svc.CreateLot(ctx, &park.Lot{Code: "gz", Name: "Bench", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: cars, ExitGraceMinutes: 15, QuoteTTLSeconds: 300}); err != nil {
		b.Fatal(err)
	}
	for from := 0; from < cars; from += 5000 {
		err := st.Update(ctx, func(tx park.Tx) error {
			for i := from; i < from+5000; i++ {
				p, err := plate.Normalize(fuzzyBenchPlate(i))
				if err != nil {
					return err
				}
				if err := tx.InsertStay(ctx, &park.Stay{ID: fmt.Sprintf("s%07d", i), LotCode: "gz", Plate: p.Text, PlateKey: p.Key,
					VehicleClass: park.ClassSmall, Locator: fmt.Sprintf("%010d", 1_000_000_000+i),
					EntryAt: now.Add(-time.Duration(1+i%600) * time.Minute).UTC().Truncate(park.Precision), EntryLane: "in-1",
					State: park.StayIn, UpdatedAt: now.UTC()}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.CreatePartner(ctx, &park.Partner{ID: "bench", Name: "Bench", Dialect: park.DialectEbopark, Type: park.PartnerNormal,
		Secret: "s", SignMode: "static", Lots: []string{"gz"}}); err != nil {
		b.Fatal(err)
	}
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: metrics.New(), AdminToken: "admin"})
	ebopark.New(ebopark.Config{Service: svc}).Mount(srv.Mount)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	url := ts.URL + "/partnerService/FuzzyQueryPlate?partnerid=bench&sign=s"
	ask := func(i int) (string, error) {
		resp, err := client.Post(url, "application/json",
			strings.NewReader(fmt.Sprintf(`{"ParkCode":"gz","CarNo":%q}`, fuzzyBenchQuery(i))))
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return string(body), err
	}
	// Warm up (builds the index) and check one answer.
	if body, err := ask(2); err != nil || !strings.Contains(body, `"carNo":"`+fuzzyBenchPlate(2)+`"`) {
		b.Fatalf("warm-up: %v %s", err, body)
	}

	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				car := int(i*7919) % cars
				t0 := time.Now()
				body, err := ask(car)
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil || !strings.Contains(body, `"state":0`) || !strings.Contains(body, fuzzyBenchPlate(car)) {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed or missed their car", n)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
