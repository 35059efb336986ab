package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"parkd/internal/loadgen"
	"parkd/internal/store/postgres/pgtest"
)

// TestMigrateToAfterLoad makes a SQLite database the way a busy site does
// (the gate flow under load from 8 clients, with passes, partners and a
// stream of requests carrying NUL bytes and control characters beside
// it), stops parkd, and copies the database into PostgreSQL: every row
// SQLite took, PostgreSQL takes too, so the copy is made and verified.
func TestMigrateToAfterLoad(t *testing.T) {
	url, schema := pgtest.Schema(t) // skips without PARKD_TEST_POSTGRES
	bin := buildParkd(t)
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv := startParkd(t, bin, data)
	a := newAPI(srv.url)

	h, err := loadgen.New(loadgen.Config{BaseURL: srv.url, Token: testToken, Lot: "load", Concurrency: 8, Prefill: 300,
		Duration: 2 * time.Second, MaxRequests: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	if p := h.Prefill(ctx); p.Errors != 0 {
		t.Fatalf("prefill: %d errors: %v", p.Errors, p.ErrorSamples)
	}
	var wg sync.WaitGroup
	var res *loadgen.Result
	wg.Go(func() { res = h.Run(ctx) })

	// Beside the load: the operator's and partners' writes, good and bad.
	bad := []string{"\x00", "\r\n", "\x1b[31m", "\u202e"}
	accepted, refused := 0, 0
	write := func(path string, body any, want int) {
		t.Helper()
		switch _, err := a.do(ctx, "POST", path, body, "", want, nil); {
		case err != nil:
			t.Errorf("POST %s: %v, want %d", path, err, want)
		case want < 300:
			accepted++
		default:
			refused++
		}
	}
	for i := 0; i < 40; i++ {
		valid := time.Now().UTC()
		write("/v1/lots/load/passes", map[string]any{"holder_name": fmt.Sprintf("张伟 %d", i), "plates": []string{loadgen.Plate(uint64(5_000_000 + i))},
			"valid_from": valid.Format(time.RFC3339), "valid_to": valid.AddDate(0, 1, 0).Format(time.RFC3339)}, 201)
		for _, b := range bad {
			write("/v1/lots/load/passes", map[string]any{"holder_name": "张" + b, "plates": []string{loadgen.Plate(uint64(6_000_000 + i))},
				"valid_from": valid.Format(time.RFC3339), "valid_to": valid.AddDate(0, 1, 0).Format(time.RFC3339)}, 400)
			write("/v1/lots", map[string]any{"code": fmt.Sprintf("bad-%d", i), "name": "Lot" + b, "timezone": "UTC", "currency": "EUR", "capacity": 1}, 400)
			write("/v1/lots/load/events", newEvent(fmt.Sprintf("bad-%d%s", i, b), "entry", loadgen.Plate(uint64(7_000_000+i)), valid), 400)
			write("/v1/partners", map[string]any{"id": fmt.Sprintf("p%d", i), "name": "P", "dialect": "ebopark",
				"secret": "0123456789abcdef" + b, "lots": []string{"load"}}, 400)
		}
	}
	write("/v1/partners", map[string]any{"id": "ebo", "name": "宜泊", "dialect": "ebopark", "secret": "0123456789abcdef", "lots": []string{"load"}}, 201)
	wg.Wait()
	if res.Errors != 0 || res.Paid == 0 {
		t.Fatalf("load: %d errors (%v), %d paid", res.Errors, res.ErrorSamples, res.Paid)
	}
	t.Logf("under load: %d visits, %d payments, %d gate events; beside it %d writes accepted, %d refused",
		res.Visits, res.Paid, res.GateEvents, accepted, refused)
	if err := srv.stop(syscall.SIGTERM); err != nil {
		t.Fatalf("parkd did not stop cleanly: %v", err)
	}

	code, out, errOut := runParkd(nil, "migrate", "--data", data, "--to", url, "--pg-schema", schema, "--log-level", "warn")
	if code != 0 || !strings.Contains(out, "parkd: copied and verified") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	t.Log(strings.TrimSpace(out[strings.LastIndex(out, "parkd:"):]))
}
