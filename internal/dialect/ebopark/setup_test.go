package ebopark_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parkd/internal/demo"
	"parkd/internal/device"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/gate"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

var (
	shanghai = mustLoc("Asia/Shanghai")
	// now is the injected clock: the demo data is loaded at this instant.
	now = time.Date(2026, 3, 1, 10, 0, 0, 0, shanghai)
)

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

const (
	otherLot  = "140123002"
	md5Secret = "k3y-md5"
)

type env struct {
	svc *system.System
	h   *httpapi.Server
	ctx context.Context
}

// newEnv builds parkd's HTTP server with the Ebopark dialect mounted as
// app.go mounts it, over a real store holding the demo data (lot
// 140123001, its pass and cars, the static partner test/ebo2019) and:
//   - lot 140123002 with the partner other (static, secret "o") on it;
//   - partner md5p (md5 sign, secret k3y-md5) on 140123001;
//   - partner lk, a Linkc partner on 140123001.
func newEnv(t testing.TB) *env {
	t.Helper()
	st := teststore.Open(t)
	svc := system.New(system.Config{Dialects: []string{ebopark.Name, linkc.Name}, Barriers: device.NewMemory(), Store: st, Now: func() time.Time { return now }})
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: metrics.New(), AdminToken: "admin", Now: func() time.Time { return now }})
	ebopark.New(ebopark.Config{Service: svc}).Mount(srv.Mount)
	e := &env{svc: svc, h: srv, ctx: context.Background()}
	if err := demo.Load(e.ctx, svc, now); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Gate.CreateLot(e.ctx, &park.Lot{Code: otherLot, Name: "Other", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 10, ExitGraceMinutes: 15, QuoteTTLSeconds: 300, Tariff: json.RawMessage(demo.Tariff)}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*park.Partner{
		{ID: "other", Name: "Other", Dialect: "ebopark", Type: park.PartnerNormal, Secret: "o", SignMode: "static", Lots: []string{otherLot}},
		{ID: "md5p", Name: "MD5", Dialect: "ebopark", Type: park.PartnerNormal, Secret: md5Secret, SignMode: "md5", Lots: []string{demo.LotCode}},
		{ID: "lk", Name: "Linkc", Dialect: "linkc", Type: park.PartnerNormal, Secret: "ebo2019", Lots: []string{demo.LotCode}},
	} {
		if _, err := svc.Partners.CreatePartner(e.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

type reply struct {
	status int
	body   []byte
}

// post sends a raw request to path (with its query).
func (e *env) post(path, body string) reply {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return reply{status: rec.Code, body: b}
}

// call sends op as the demo partner test (static sign).
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
	return env
}

// snapshot is everything the operations could touch, to prove a refused
// request changed nothing.
func (e *env) snapshot(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	for _, lot := range []string{demo.LotCode, otherLot} {
		ps, err := e.svc.Access.ListPasses(e.ctx, lot)
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
