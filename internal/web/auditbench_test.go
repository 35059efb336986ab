package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/store/sqlite"
	"parkd/internal/system"
	"parkd/internal/web"
)

// BenchmarkAuditManyLots asks for the audit log's newest page as a lot
// operator of an operator's 300 lots, with 100 changes logged in each
// (30,000 in all), in one SQLite store, one request at a time.
//
//	go test ./internal/web -run '^$' -bench AuditManyLots -benchtime 100x
func BenchmarkAuditManyLots(b *testing.B) {
	const lots, perLot = 300, 100
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := system.New(system.Config{Barriers: device.NewMemory(), Store: st})
	codes := make([]string, lots)
	for i := range codes {
		codes[i] = fmt.Sprintf("L%04d", i)
		if _, err := svc.Gate.CreateLot(ctx, &park.Lot{Code: codes[i], Name: "Lot " + codes[i], TimeZone: "Asia/Shanghai",
			Currency: "CNY", Capacity: 100, ExitGraceMinutes: 15,
			Tariff: json.RawMessage(`{"every":{"minutes":60,"price":500}}`)}); err != nil {
			b.Fatal(err)
		}
	}
	at := time.Now().UTC().Add(-time.Hour)
	if err := st.Update(ctx, func(tx park.Tx) error {
		for i := range lots * perLot {
			if err := tx.InsertAudit(ctx, &park.AuditEntry{ID: fmt.Sprintf("a%06d", i), At: at.Add(time.Duration(i) * time.Millisecond),
				Actor: "x", Action: "lot.update", Lot: codes[i%lots], Target: fmt.Sprintf("t%06d", i)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	const pass = "a password long enough"
	if _, err := svc.Operators.Add(ctx, "bench", operators.NewOperator{Name: "ana", Role: park.RoleLotOperator, Lots: codes,
		Password: pass}); err != nil {
		b.Fatal(err)
	}
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: metrics.New(), AdminToken: "bench-admin-token-0123"})
	srv.Mount(web.Prefix, web.New(web.Config{System: svc}))
	ts := httptest.NewServer(srv)
	defer ts.Close()
	cookie := benchSignIn(b, ts.URL, pass)
	b.ResetTimer()
	for range b.N {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/console/audit", nil)
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("audit page: %d", resp.StatusCode)
		}
	}
}
