package linkc_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"parkd/internal/app"
	"parkd/internal/device"
	"parkd/internal/dialect/linkc"
	"parkd/internal/httpapi"
	"parkd/internal/httpbench"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/plate"
	"parkd/internal/store/sqlite"
	"parkd/internal/system"
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
	app.TuneRuntime() // as parkd serve runs
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{ReadConns: benchReadConns()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := system.New(system.Config{Dialects: []string{linkc.Name}, Barriers: device.NewMemory(), Store: st})
	now := time.Now()
	if _, err := svc.Gate.CreateLot(ctx, &park.Lot{Code: "sp", Name: "Bench", TimeZone: "America/Sao_Paulo", Currency: "BRL",
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
	if _, err := svc.Partners.CreatePartner(ctx, &park.Partner{ID: "app", Name: "App", Dialect: "linkc", Type: "normal", Lots: []string{"sp"}}); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Partners.CreateIntegrator(ctx, partners.IntegratorInput{Username: "ana", Password: password, Partners: []string{"app"}}); err != nil {
		b.Fatal(err)
	}
	token, _, err := svc.Partners.Login(ctx, partners.SignIn{Username: "ana", Password: password})
	if err != nil {
		b.Fatal(err)
	}
	m := metrics.New()
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: m, AdminToken: adminToken})
	linkc.New(linkc.Config{Service: svc}).Mount(srv.Mount)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	httpbench.Run(b, httpbench.Client(), func(i int) *http.Request {
		req, _ := http.NewRequest("GET", ts.URL+"/api/estadias?placa="+benchPlate(i*7919%cars), nil)
		req.Header.Set("Accept", "application/vnd.linkc.com.br; version=1")
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	}, httpbench.Status200)
	httpbench.ReportServer(b, m.Registry, 10*time.Millisecond) // the p99 bound
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
