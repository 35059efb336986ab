package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/app"
	"parkd/internal/device"
	"parkd/internal/gate"
	"parkd/internal/httpapi"
	"parkd/internal/httpbench"
	"parkd/internal/metrics"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/store/sqlite"
	"parkd/internal/system"
	"parkd/internal/web"
)

// benchPlate is the i-th of 175,760,000 old-format Brazilian plates.
func benchPlate(i int) string {
	n := i / 10000
	return fmt.Sprintf("%c%c%c%04d", 'A'+n/676%26, 'A'+n/26%26, 'A'+n%26, i%10000)
}

// BenchmarkPages asks for the console's pages, signed in, over loopback
// HTTP through the API server, with 100,000 cars inside one SQLite lot
// (every one owing money), from PARKD_BENCH_CLIENTS clients (32). It
// reports requests/s and the 50th/99th latency percentiles per page.
//
//	go test ./internal/web -run '^$' -bench Pages -benchtime 2000x
func BenchmarkPages(b *testing.B) {
	const cars = 100_000
	app.TuneRuntime()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := system.New(system.Config{Barriers: device.NewMemory(), Store: st})
	now := time.Now()
	if _, err := svc.Gate.CreateLot(ctx, &park.Lot{Code: "sp", Name: "Bench", TimeZone: "America/Sao_Paulo", Currency: "BRL",
		Capacity: cars, ExitGraceMinutes: 15, QuoteTTLSeconds: 300,
		Tariff: []byte(`{"grace_minutes":15,"every":{"minutes":60,"price":500}}`)}); err != nil {
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
			return tx.AddOccupied(ctx, "sp", 5000)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// A lane with its recent decisions, as a busy lot has.
	for i := range 50 {
		if _, err := svc.Gate.HandleEvent(ctx, gateEntry(i, now)); err != nil {
			b.Fatal(err)
		}
	}
	const pass = "a password long enough"
	if _, err := svc.Operators.Add(ctx, "bench", operators.NewOperator{Name: "ana", Role: park.RoleAdmin, Password: pass}); err != nil {
		b.Fatal(err)
	}
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: metrics.New(), AdminToken: "bench-admin-token-0123"})
	srv.Mount(web.Prefix, web.New(web.Config{System: svc}))
	ts := httptest.NewServer(srv)
	defer ts.Close()
	cookie := benchSignIn(b, ts.URL, pass)

	pages := map[string]func(i int) string{
		"Overview": func(int) string { return "/console/" },
		"Lanes":    func(int) string { return "/console/lots/sp/lanes" },
		"StaySearch": func(i int) string {
			// The end of a plate, as a driver remembers it: a fuzzy search.
			return "/console/stays?" + url.Values{"lot": {"sp"}, "plate": {benchPlate(i * 7919 % cars)[2:]}}.Encode()
		},
		"Stay": func(i int) string { return fmt.Sprintf("/console/stays/s%07d", i*7919%cars) },
	}
	for _, name := range []string{"Overview", "Lanes", "StaySearch", "Stay"} {
		b.Run(name, func(b *testing.B) {
			httpbench.Run(b, httpbench.Client(), func(i int) *http.Request {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+pages[name](i), nil)
				req.AddCookie(cookie)
				return req
			}, httpbench.Status200)
		})
	}
}

func gateEntry(i int, now time.Time) gate.EventInput {
	return gate.EventInput{LotCode: "sp", ID: fmt.Sprintf("bench-%d", i), Type: park.EventEntry, Plate: benchPlate(200_000 + i),
		Lane: "in-1", At: now.Add(-time.Duration(50-i) * time.Second)}
}

// benchSignIn signs in through the form and returns the session cookie.
func benchSignIn(b *testing.B, base, pass string) *http.Cookie {
	b.Helper()
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cl.Get(base + "/console/login")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
	if tok == nil {
		b.Fatal("no form token")
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/console/login",
		strings.NewReader(url.Values{"name": {"ana"}, "password": {pass}, "csrf": {string(tok[1])}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = cl.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "parkd_session" {
			return c
		}
	}
	b.Fatalf("sign-in answered %d without a session", resp.StatusCode)
	return nil
}
