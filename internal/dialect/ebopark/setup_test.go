package ebopark_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/gate"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

var (
	shanghai = mustLoc("Asia/Shanghai")
	// now is the injected clock: the fixtures are loaded at this instant.
	now = time.Date(2026, 3, 1, 10, 0, 0, 0, shanghai)
)

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

type env struct {
	svc *system.System
	h   *httpapi.Server
	ctx context.Context
}

// newEnv builds parkd's HTTP server with the Ebopark dialect mounted as
// app.go mounts it, over a real store holding the fixtures
// (fixtures_test.go).
func newEnv(t testing.TB) *env {
	t.Helper()
	st := teststore.Open(t)
	svc := system.New(system.Config{Dialects: []string{ebopark.Name, linkc.Name}, Barriers: device.NewMemory(), Store: st, Now: func() time.Time { return now }})
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: metrics.New(), AdminToken: "admin", Now: func() time.Time { return now }})
	ebopark.New(ebopark.Config{Service: svc}).Mount(srv.Mount)
	e := &env{svc: svc, h: srv, ctx: context.Background()}
	if err := loadFixtures(e.ctx, svc, now); err != nil {
		t.Fatal(err)
	}
	return e
}

type reply struct {
	status int
	body   []byte
	path   string
}

// post sends a raw request to path (with its query). An error's desc
// is checked to be Chinese (descWords).
func (e *env) post(path, body string) reply {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return reply{status: rec.Code, body: b, path: path}
}

var (
	asciiWordRE = regexp.MustCompile(`[A-Za-z]{2,}`)
	codeSpanRE  = regexp.MustCompile("`([A-Za-z][A-Za-z0-9]*)`")
)

// contractNames are the names docs/ebopark.md gives in code spans: the
// vendor's parameters, operations and codes (police, ...), which a desc
// may name. JSON is the body's format.
var contractNames = sync.OnceValue(func() map[string]bool {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "ebopark.md"))
	if err != nil {
		panic(err)
	}
	names := map[string]bool{"JSON": true}
	for _, m := range codeSpanRE.FindAllSubmatch(doc, -1) {
		names[string(m[1])] = true
	}
	return names
})

// descWords returns the ASCII words of desc that are neither names of the
// contract nor echoed from the request's path (an unknown operation or
// partner id): English or Go type names a partner should never read.
func descWords(desc, path string) []string {
	var out []string
	for _, w := range asciiWordRE.FindAllString(desc, -1) {
		if !contractNames()[w] && !strings.Contains(path, w) {
			out = append(out, w)
		}
	}
	return out
}

// call sends op as the partner test (static sign).
func (e *env) call(op, body string) reply {
	return e.post("/partnerService/"+op+"?partnerid=test&sign=ebo2019", body)
}

type envelope struct {
	State  *int            `json:"state"`
	Total  int             `json:"total"`
	Result json.RawMessage `json:"result"`
	Desc   string          `json:"desc"`
}

// wantState checks an envelope: HTTP 200 and the state; desc must contain
// descPart (if given).
func wantState(t testing.TB, r reply, state int, descPart string) envelope {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("HTTP %d, want 200: %s", r.status, r.body)
	}
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil || env.State == nil {
		t.Fatalf("not an envelope (%v): %s", err, r.body)
	}
	if *env.State != state || !strings.Contains(env.Desc, descPart) || env.Desc == "" {
		t.Fatalf("state %d desc %q, want state %d and desc containing %q: %s", *env.State, env.Desc, state, descPart, r.body)
	}
	if w := descWords(env.Desc, r.path); len(w) > 0 {
		t.Fatalf("desc %q has words that are not Chinese nor the contract's names: %q", env.Desc, w)
	}
	return env
}

// snapshot is everything the operations could touch, to prove a refused
// request changed nothing.
func (e *env) snapshot(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	for _, lot := range []string{lotCode, otherLot} {
		ps, err := e.svc.Access.ListPasses(e.ctx, "", lot)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := e.svc.Gate.ListStays(e.ctx, gate.StayQuery{LotCode: lot})
		if err != nil {
			t.Fatal(err)
		}
		wl, err := e.svc.Access.ListWhitelist(e.ctx, lot)
		if err != nil {
			t.Fatal(err)
		}
		occ, err := e.svc.Gate.Occupancy(e.ctx, lot)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal([]any{ps, ss, wl, occ})
		b.Write(j)
	}
	return b.String()
}

func (e *env) get(path string) reply {
	req := httptest.NewRequest("GET", path, nil)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return reply{status: rec.Code, body: b}
}
