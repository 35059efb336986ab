package linkc_test

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
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/dialect/linkc"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/service"
	"parkd/internal/store/sqlite"
)

// benchPlate is the i-th of 175,760,000 old-format Brazilian plates.
func benchPlate(i int) string {
	n := i / 10000
	return fmt.Sprintf("%c%c%c%04d", 'A'+n/676%26, 'A'+n/26%26, 'A'+n%26, i%10000)
}

// BenchmarkLookupByPlate looks up random cars by plate over loopback HTTP,
// with 100,000 cars inside one SQLite garage, from 32 concurrent clients.
// Every car owes money, so every lookup also stores a quote (a write).
// It reports requests/s and the 50th/99th latency percentiles.
//
//	go test ./internal/dialect/linkc -run XXX -bench LookupByPlate -benchtime 40000x
func BenchmarkLookupByPlate(b *testing.B) {
	const cars = 100_000
	clients := benchClients()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{ReadConns: benchReadConns()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := service.New(service.Config{Store: st})
	now := time.Now()
	if _, err := svc.CreateLot(ctx, &park.Lot{Code: "sp", Name: "Bench", TimeZone: "America/Sao_Paulo", Currency: "BRL",
		Capacity: cars, ExitGraceMinutes: 15, QuoteTTLSeconds: 300, Tariff: []byte(benchTariff())}); err != nil {
		b.Fatal(err)
	}
	for from := 0; from < cars; from += 5000 {
		err := st.Update(ctx, func(tx park.Tx) error {
			for i := from; i < from+5000; i++ {
				p, err := plate.Normalize(benchPlate(i))
				if err != nil {
					return err
				}
				if err := tx.InsertStay(ctx, &park.Stay{ID: fmt.Sprintf("s%07d", i), LotCode: "sp", Plate: p.Text, PlateKey: p.Key,
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
	if _, err := svc.CreatePartner(ctx, &park.Partner{ID: "app", Name: "App", Dialect: "linkc", Type: "normal", Lots: []string{"sp"}}); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateIntegrator(ctx, service.IntegratorInput{Username: "ana", Password: password, Partners: []string{"app"}}); err != nil {
		b.Fatal(err)
	}
	token, _, err := svc.Login(ctx, "ana", password)
	if err != nil {
		b.Fatal(err)
	}
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: metrics.New(), AdminToken: adminToken})
	linkc.New(linkc.Config{Service: svc}).Mount(srv.Mount)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}

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
				req, _ := http.NewRequest("GET", ts.URL+"/api/estadias?placa="+benchPlate(int(i*7919)%cars), nil)
				req.Header.Set("Accept", "application/vnd.linkc.com.br; version=1")
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[c] = append(lat[c], time.Since(t0))
				if resp.StatusCode != 200 {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// benchTariff is the garage's tariff; PARKD_BENCH_FREE=1 makes parking
// free, so no lookup writes a quote (to tell reads from writes).
func benchTariff() string {
	if os.Getenv("PARKD_BENCH_FREE") == "1" {
		return `{"every":{"minutes":60,"price":0}}`
	}
	return spTariff
}

// benchReadConns is the read pool's size (PARKD_BENCH_READCONNS, default
// the store's own default).
func benchReadConns() int {
	n, _ := strconv.Atoi(os.Getenv("PARKD_BENCH_READCONNS"))
	return n
}

// benchClients is how many clients run at once (PARKD_BENCH_CLIENTS, default 32).
func benchClients() int {
	if n, _ := strconv.Atoi(os.Getenv("PARKD_BENCH_CLIENTS")); n > 0 {
		return n
	}
	return 32
}
