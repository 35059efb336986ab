package ebopark_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"parkd/internal/app"
	"parkd/internal/device"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/httpapi"
	"parkd/internal/httpbench"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/store/sqlite"
	"parkd/internal/system"
)

// benchCar is the i-th of 100,000 Guangdong plates.
func benchCar(i int) string { return fmt.Sprintf("粤B%05d", i%100_000) }

// benchLot opens a SQLite lot (the fixtures' tariff, CNY) with cars open stays
// of the plates plateOf(0..cars-1) that entered 30-629 minutes ago, and a
// partner "bench" signing with MD5.
func benchLot(b *testing.B, cars int, plateOf func(int) string) (*system.System, *httptest.Server, *metrics.Metrics) {
	b.Helper()
	app.TuneRuntime() // as parkd serve runs
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc := system.New(system.Config{Dialects: []string{ebopark.Name, linkc.Name}, Barriers: device.NewMemory(), Store: st})
	now := time.Now()
	if _, err := svc.Gate.CreateLot(ctx, &park.Lot{Code: lotCode, Name: "Bench", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: cars, ExitGraceMinutes: 15, QuoteTTLSeconds: 300, MissedEntry: park.MissedEntryHold,
		Tariff: []byte(tariff)}); err != nil {
		b.Fatal(err)
	}
	for from := 0; from < cars; from += 5000 {
		err := st.Update(ctx, func(tx park.Tx) error {
			for i := from; i < min(from+5000, cars); i++ {
				p, err := plate.Normalize(plateOf(i))
				if err != nil {
					return err
				}
				if err := tx.InsertStay(ctx, &park.Stay{ID: fmt.Sprintf("s%07d", i), LotCode: lotCode, Plate: p.Text, PlateKey: p.Key,
					VehicleClass: park.ClassSmall, Locator: fmt.Sprintf("%010d", 1_000_000_000+i),
					EntryAt: now.Add(-time.Duration(30+i%600) * time.Minute).UTC().Truncate(park.Precision), EntryLane: "in-1",
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
	if _, err := svc.Partners.CreatePartner(ctx, &park.Partner{ID: "bench", Name: "Bench", Dialect: "ebopark", Type: "normal", Secret: md5Secret,
		SignMode: "md5", Lots: []string{lotCode}}); err != nil {
		b.Fatal(err)
	}
	m := metrics.New()
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: m, AdminToken: "admin"})
	ebopark.New(ebopark.Config{Service: svc}).Mount(srv.Mount)
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	return svc, ts, m
}

// signed builds a signed Ebopark request for partner bench.
func signed(url, op string, body []byte) *http.Request {
	req, _ := http.NewRequest("POST", url+"/partnerService/"+op+"?partnerid=bench&sign="+ebopark.Sign(body, md5Secret), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// stateZero accepts only a successful envelope.
func stateZero(i int, resp *http.Response, body []byte) error {
	if err := httpbench.Status200(i, resp, body); err != nil {
		return err
	}
	var env struct {
		State int    `json:"state"`
		Desc  string `json:"desc"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.State != 0 {
		return fmt.Errorf("state %d %q (%v)", env.State, env.Desc, err)
	}
	return nil
}

// BenchmarkFeeQuery asks the fee of random cars among 100,000 inside, over
// loopback HTTP from 32 clients. Every car owes money (the fixtures' tariff
// after its free 15 minutes, cars parked 30-629 minutes), so every query
// also takes a quote that paysyncWithDeductionV3 can settle.
//
//	go test ./internal/dialect/ebopark -run '^$' -bench FeeQuery -benchtime 40000x
func BenchmarkFeeQuery(b *testing.B) {
	const cars = 100_000
	_, ts, m := benchLot(b, cars, benchCar)
	httpbench.Run(b, httpbench.Client(), func(i int) *http.Request {
		return signed(ts.URL, "getProStopWithDeductionV3", fmt.Appendf(nil, `{"ParkCode":%q,"CarNo":%q}`, lotCode, benchCar(i*7919%cars)))
	}, stateZero)
	httpbench.ReportServer(b, m.Registry, 10*time.Millisecond) // the p99 bound
}
