package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/store/sqlite"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

const token = "test-admin-token-0123456789"

var t0 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

type env struct {
	t   *testing.T
	url string
	mu  sync.Mutex
	now time.Time
	sys *system.System
}

func (e *env) Now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) setNow(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = t
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvStore(t, nil)
}

// newEnvStore is newEnv over wrap's store (nil: the test store as is),
// one that notes or interleaves some of the core's statements.
func newEnvStore(t *testing.T, wrap func(park.Store) park.Store) *env {
	t.Helper()
	t.Parallel()
	var st park.Store = teststore.Open(t)
	if wrap != nil {
		st = wrap(st)
	}
	e := &env{t: t, now: t0}
	m := metrics.New()
	svc := system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: st, Now: e.Now, Metrics: m,
		DeviceProtocols: []string{"test-http"}, Currencies: systemtest.Currencies})
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Service: svc, Log: slog.New(slog.DiscardHandler), Metrics: m, AdminToken: token}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	e.sys = svc
	return e
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// online records charger id as booted, as a charger that connected does:
// a charger recorded offline is not asked to start.
func (e *env) online(id string) {
	e.t.Helper()
	if _, err := e.sys.Charging.Booted(context.Background(), id, "", "", ""); err != nil {
		e.t.Fatal(err)
	}
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("reply is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (e *env) do(method, path, body string, headers ...string) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (e *env) want(r reply, status int) map[string]any {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if len(r.body) == 0 {
		return nil
	}
	return r.json(e.t)
}

// problem checks an RFC 9457 reply with a given status and machine code.
func (e *env) problem(r reply, status int, code string) map[string]any {
	e.t.Helper()
	p := e.want(r, status)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		e.t.Fatalf("content type %q, want application/problem+json", ct)
	}
	if p["code"] != code || p["status"] != float64(status) || p["title"] == "" {
		e.t.Fatalf("problem %v, want code %q", p, code)
	}
	return p
}

const lotJSON = `{"code":"140123001","name":"Mall","timezone":"Asia/Shanghai","currency":"CNY","capacity":100,
	"tariff":{"grace_minutes":15,"every":{"minutes":30,"price":200}}}`

func event(id, typ, plate string, at time.Time) string {
	return fmt.Sprintf(`{"id":%q,"type":%q,"plate":%q,"lane":"lane-%s","at":%q}`, id, typ, plate, typ, at.Format(time.RFC3339))
}

// TestWalkthrough is the README's story: a car enters, is held at the
// exit, takes a quote, pays, and the barrier opens.
func TestWalkthrough(t *testing.T) {
	e := newEnv(t)
	lot := e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	if lot["exit_grace_minutes"] != float64(15) || lot["quote_ttl_seconds"] != float64(300) {
		t.Fatalf("defaults: %v", lot)
	}
	in := e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200)
	if in["decision"] != "open" || in["currency"] != "CNY" || len(in["locator"].(string)) != 10 {
		t.Fatalf("entry %v", in)
	}
	e.setNow(t0.Add(2 * time.Hour))
	// 120 minutes: 4 started blocks of 30 at 2.00.
	held := e.want(e.do("POST", "/v1/lots/140123001/events", event("c2", "exit", "京A12345", t0.Add(2*time.Hour))), 200)
	if held["decision"] != "hold" || held["amount_due"] != float64(800) || held["reason"] != "payment_required" {
		t.Fatalf("exit %v", held)
	}
	stayID := in["stay_id"].(string)
	q := e.want(e.do("POST", "/v1/stays/"+stayID+"/quotes", ""), 201)
	if q["amount_due"] != float64(800) || q["currency"] != "CNY" || q["stay_id"] != stayID || len(q["lines"].([]any)) == 0 {
		t.Fatalf("quote %v", q)
	}
	pay := fmt.Sprintf(`{"quote_id":%q,"amount":800,"method":"wechat","reference":"wx-1"}`, q["id"])
	p := e.want(e.do("POST", "/v1/payments", pay, "Idempotency-Key", "k-1"), 201)
	if p["amount"] != float64(800) || p["paid_until"] != t0.Add(2*time.Hour+15*time.Minute).Format(time.RFC3339Nano) {
		t.Fatalf("payment %v", p)
	}
	again := e.do("POST", "/v1/payments", pay, "Idempotency-Key", "k-1")
	if r := e.want(again, 201); r["id"] != p["id"] || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry returned %v", r)
	}
	e.setNow(t0.Add(2*time.Hour + 5*time.Minute))
	out := e.want(e.do("POST", "/v1/lots/140123001/events", event("c3", "exit", "京A12345", t0.Add(2*time.Hour+5*time.Minute))), 200)
	if out["decision"] != "open" || out["reason"] != "paid" {
		t.Fatalf("exit after payment %v", out)
	}
	st := e.want(e.do("GET", "/v1/stays/"+stayID, ""), 200)
	if st["state"] != "out" || st["amount_paid"] != float64(800) {
		t.Fatalf("stay %v", st)
	}
	occ := e.want(e.do("GET", "/v1/lots/140123001/occupancy", ""), 200)
	if occ["occupied"] != float64(0) || occ["free"] != float64(100) {
		t.Fatalf("occupancy %v", occ)
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t)
	// The scheme is case-insensitive (RFC 9110).
	for _, auth := range []string{"Bearer " + token, "bearer " + token, "BEARER " + token, "Bearer  " + token} {
		req, _ := http.NewRequest("GET", e.url+"/v1/lots", nil)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("Authorization %q: status %d, want 200", auth, resp.StatusCode)
		}
	}
	for _, auth := range []string{"", "Bearer wrong", "Basic " + token, token, "Bearer", "Bearer "} {
		req, _ := http.NewRequest("GET", e.url+"/v1/lots", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: status %d", auth, resp.StatusCode)
		}
	}
	for _, path := range []string{"/healthz", "/readyz", "/v1/openapi.json"} {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d without a token", path, resp.StatusCode)
		}
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	ev := "/v1/lots/140123001/events"
	cases := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"malformed JSON", "POST", ev, `{"id":`, 400, "invalid", "body"},
		{"not an object", "POST", ev, `[1,2]`, 400, "invalid", "body"},
		{"empty body", "POST", ev, ``, 400, "invalid", "body"},
		{"trailing data", "POST", ev, event("x", "entry", "京A12345", t0) + `{}`, 400, "invalid", "body"},
		{"unknown field", "POST", ev, `{"id":"x","type":"entry","plate":"京A12345","lane":"a","at":"2026-11-23T01:00:00Z","speed":3}`, 400, "invalid", "speed"},
		{"wrong type", "POST", ev, `{"id":"x","type":"entry","plate":12345,"lane":"a","at":"2026-11-23T01:00:00Z"}`, 400, "invalid", "plate"},
		{"invalid plate", "POST", ev, event("x", "entry", "NOT-A-PLATE", t0), 400, "invalid", "plate"},
		{"bad time", "POST", ev, `{"id":"x","type":"entry","plate":"京A12345","lane":"a","at":"yesterday"}`, 400, "invalid", "at"},
		{"leap second", "POST", ev, `{"id":"x","type":"entry","plate":"京A12345","lane":"a","at":"2016-12-31T23:59:60Z"}`, 400, "invalid", "at"},
		{"far future", "POST", ev, event("x", "entry", "京A12345", t0.Add(48*time.Hour)), 400, "invalid", "at"},
		{"unknown lot", "POST", "/v1/lots/999/events", event("x", "entry", "京A12345", t0), 404, "not_found", ""},
		{"unknown stay", "GET", "/v1/stays/nope", "", 404, "not_found", ""},
		{"bad zone", "POST", "/v1/lots", `{"code":"L2","name":"x","timezone":"Asia/Nowhere","currency":"CNY","capacity":1}`, 400, "invalid", "timezone"},
		{"bad currency", "POST", "/v1/lots", `{"code":"L2","name":"x","timezone":"UTC","currency":"ABC","capacity":1}`, 400, "invalid", "currency"},
		{"no capacity", "POST", "/v1/lots", `{"code":"L2","name":"x","timezone":"UTC","currency":"EUR"}`, 400, "invalid", "capacity"},
		{"absurd capacity", "POST", "/v1/lots", `{"code":"L2","name":"x","timezone":"UTC","currency":"EUR","capacity":99999999999}`, 400, "invalid", "capacity"},
		{"duplicate lot", "POST", "/v1/lots", lotJSON, 409, "conflict", ""},
		{"negative amount", "POST", "/v1/payments", `{"quote_id":"q","amount":-1,"method":"cash"}`, 400, "invalid", "amount"},
		{"absurd amount", "POST", "/v1/payments", `{"quote_id":"q","amount":1e30,"method":"cash"}`, 400, "invalid", "amount"},
		{"no amount", "POST", "/v1/payments", `{"quote_id":"q","method":"cash"}`, 400, "invalid", "amount"},
		{"unknown quote", "POST", "/v1/payments", `{"quote_id":"q","amount":1,"method":"cash"}`, 404, "not_found", ""},
		{"bad tariff", "PUT", "/v1/lots/140123001/tariff", `{"every":{"minutes":30,"price":-5}}`, 400, "invalid", ""},
		{"bad state", "GET", "/v1/lots/140123001/stays?state=parked", "", 400, "invalid", "state"},
		{"bad limit", "GET", "/v1/lots/140123001/stays?limit=-3", "", 400, "invalid", "limit"},
		{"cursor not a stay id", "GET", "/v1/lots/140123001/stays?after=page2", "", 400, "invalid", "after"},
		{"pass without plates", "POST", "/v1/lots/140123001/passes", `{"holder_name":"A","valid_from":"2026-11-01T00:00:00Z","valid_to":"2026-12-01T00:00:00Z"}`, 400, "invalid", "plates"},
		{"pass bad window", "POST", "/v1/lots/140123001/passes", `{"holder_name":"A","plates":["京A12345"],"valid_from":"2026-12-01T00:00:00Z","valid_to":"2026-11-01T00:00:00Z"}`, 400, "invalid", "valid_to"},
		{"pass ending in 9999", "POST", "/v1/lots/140123001/passes", `{"holder_name":"A","plates":["京A12345"],"valid_from":"2026-11-01T00:00:00Z","valid_to":"9999-12-31T23:59:59+08:00"}`, 400, "invalid", "valid_to"},
		{"whitelist bad kind", "POST", "/v1/lots/140123001/whitelist", `{"plate":"京A12345","kind":"maybe","valid_from":"2026-11-01T00:00:00Z","valid_to":"2026-12-01T00:00:00Z"}`, 400, "invalid", "kind"},
		// A year mistyped: the window ended a year before today (2026-11-23).
		{"whitelist window ended", "POST", "/v1/lots/140123001/whitelist", `{"plate":"京A12345","valid_from":"2025-11-01T00:00:00Z","valid_to":"2025-12-01T00:00:00Z"}`, 400, "invalid", "valid_to"},
		{"deny window ended", "POST", "/v1/lots/140123001/whitelist", `{"plate":"京A12345","kind":"deny","valid_from":"2025-11-01T00:00:00Z","valid_to":"2025-12-01T00:00:00Z"}`, 400, "invalid", "valid_to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := e.problem(e.do(c.method, c.path, c.body), c.status, c.code)
			if c.field != "" && p["field"] != c.field {
				t.Fatalf("field %v, want %q: %v", p["field"], c.field, p["detail"])
			}
		})
	}
	t.Run("body over 1 MiB", func(t *testing.T) {
		big := `{"id":"` + strings.Repeat("x", httpapi.MaxBody) + `"}`
		if p := e.problem(e.do("POST", ev, big), 413, "too_large"); p["field"] != "body" {
			t.Fatalf("problem %v", p)
		}
	})
	// Nothing above changed the lot.
	occ := e.want(e.do("GET", "/v1/lots/140123001/occupancy", ""), 200)
	stays := e.want(e.do("GET", "/v1/lots/140123001/stays", ""), 200)
	if occ["occupied"] != float64(0) || len(stays["stays"].([]any)) != 0 {
		t.Fatalf("bad input changed data: %v %v", occ, stays)
	}
}

func TestPassAndWhitelistCRUD(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	p := e.want(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"张伟","mobile":"18679681247","user_code":"U1",
		"plates":["京a 12345","京AD12345"],"valid_from":"2026-11-01T00:00:00+08:00","valid_to":"2026-12-01T00:00:00+08:00","plan":"m"}`), 201)
	if fmt.Sprint(p["plates"]) != "[京A12345 京AD12345]" || p["spaces"] != float64(2) {
		t.Fatalf("pass %v: plates must be normalised, spaces default to the plate count", p)
	}
	path := "/v1/lots/140123001/passes/" + p["id"].(string)
	e.want(e.do("GET", path, ""), 200)
	up := e.want(e.do("PATCH", path, `{"spaces":1}`), 200)
	if up["spaces"] != float64(1) || up["holder_name"] != "张伟" {
		t.Fatalf("patched %v", up)
	}
	e.problem(e.do("PATCH", path, `{"spaces":3}`), 400, "invalid")
	e.problem(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"B","plates":["京A12345"],"valid_from":"2026-11-01T00:00:00Z","valid_to":"2026-12-01T00:00:00Z"}`), 409, "conflict")
	list := e.want(e.do("GET", "/v1/lots/140123001/passes", ""), 200)
	if len(list["passes"].([]any)) != 1 {
		t.Fatalf("list %v", list)
	}
	e.want(e.do("DELETE", path, ""), 204)
	e.problem(e.do("GET", path, ""), 404, "not_found")

	w := e.want(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"沪B88888","valid_from":"2026-11-01T00:00:00Z","valid_to":"2027-11-01T00:00:00Z","reason":"staff"}`), 201)
	if w["kind"] != "allow" {
		t.Fatalf("whitelist %v", w)
	}
	wpath := "/v1/lots/140123001/whitelist/" + w["id"].(string)
	if up := e.want(e.do("PATCH", wpath, `{"reason":"manager"}`), 200); up["reason"] != "manager" {
		t.Fatalf("patched %v", up)
	}
	e.want(e.do("DELETE", wpath, ""), 204)
	e.problem(e.do("DELETE", wpath, ""), 404, "not_found")

	// A special vehicle's reason is its type, which decides its kind, as
	// when a partner writes it: a blacklisted car is kept out.
	window := `"valid_from":"2026-11-01T00:00:00Z","valid_to":"2027-11-01T00:00:00Z"`
	bl := e.want(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"京B66666","category":"special","reason":"blacklist",`+window+`}`), 201)
	if bl["kind"] != "deny" {
		t.Fatalf("blacklisted special vehicle %v", bl)
	}
	if d := e.want(e.do("POST", "/v1/lots/140123001/events", event("sp1", "entry", "京B66666", t0)), 200); d["reason"] != "refused" {
		t.Fatalf("blacklisted car at the entry: %v", d)
	}
	e.problem(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"京P11011","category":"special","reason":"police","kind":"deny",`+window+`}`), 400, "invalid")
	e.problem(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"京C12345","category":"special","reason":"vip",`+window+`}`), 400, "invalid")
	e.problem(e.do("PATCH", "/v1/lots/140123001/whitelist/"+bl["id"].(string), `{"kind":"allow"}`), 400, "invalid")
	// A hotel guest's car is let in while the guest stays.
	e.problem(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"浙A66666","category":"hotel","reason":"808","kind":"deny",`+window+`}`), 400, "invalid")
}

func TestLotPatchAndTariff(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	l := e.want(e.do("PATCH", "/v1/lots/140123001", `{"capacity":5,"exit_grace_minutes":0}`), 200)
	if l["capacity"] != float64(5) || l["exit_grace_minutes"] != float64(0) || l["name"] != "Mall" {
		t.Fatalf("patched %v", l)
	}
	e.problem(e.do("PATCH", "/v1/lots/140123001", `{"code":"other"}`), 400, "invalid")
	tf := e.want(e.do("PUT", "/v1/lots/140123001/tariff", `{"every":{"minutes":60,"price":300}}`), 200)
	if tf["every"] == nil {
		t.Fatalf("tariff %v", tf)
	}
	l = e.want(e.do("GET", "/v1/lots/140123001", ""), 200)
	if l["tariff_version"] != float64(2) {
		t.Fatalf("tariff version %v, want 2 after one change", l["tariff_version"])
	}
	// Both changes are in the audit log under the admin token, newest
	// first; the refused one is not.
	a := e.want(e.do("GET", "/v1/audit?actor=admin-token", ""), 200)
	es, _ := a["entries"].([]any)
	if len(es) != 2 {
		t.Fatalf("audit %v, want the tariff and the lot change", a)
	}
	tfe, lot := es[0].(map[string]any), es[1].(map[string]any)
	if tfe["action"] != "tariff.update" || tfe["lot"] != "140123001" || !strings.Contains(tfe["after"].(string), `"price":300`) ||
		lot["action"] != "lot.update" || !strings.Contains(lot["before"].(string), `"capacity":`) ||
		!strings.Contains(lot["after"].(string), `"capacity":5`) {
		t.Fatalf("audit entries %v", es)
	}
	// One entry a page: the lot change follows the tariff's, and is the
	// last: its page has no next.
	p1 := e.want(e.do("GET", "/v1/audit?actor=admin-token&limit=1", ""), 200)
	next, _ := p1["next"].(string)
	p2 := e.want(e.do("GET", "/v1/audit?actor=admin-token&limit=1&before="+next, ""), 200)
	if es, _ := p2["entries"].([]any); next == "" || len(es) != 1 || es[0].(map[string]any)["action"] != "lot.update" || p2["next"] != nil {
		t.Fatalf("second page %v (cursor %q), want the lot change without next", p2, next)
	}
	if p := e.problem(e.do("GET", "/v1/audit?before=page2", ""), 400, "invalid"); p["field"] != "before" {
		t.Fatalf("garbage cursor: %v", p)
	}
}

func TestMetricsCountDecisionsAndPayments(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200)
	r := e.do("GET", "/metrics", "") // with the admin token: no metrics token is set
	if r.status != 200 {
		t.Fatalf("metrics: status %d", r.status)
	}
	b := r.body
	for _, want := range []string{
		`parkd_gate_decisions_total{decision="open",reason="visitor",type="entry"} 1`,
		`parkd_http_requests_total{code="200",route="POST /v1/lots/{code}/events"} 1`,
		`parkd_http_request_duration_seconds_count{route="POST /v1/lots/{code}/events"} 1`,
	} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// FuzzEventDecoding: no request body makes the server answer 500.
func FuzzEventDecoding(f *testing.F) {
	f.Add(event("c1", "entry", "京A12345", t0))
	f.Add(`{"id":"x","type":"exit","plate":"无牌车","lane":"a","at":"2026-11-23T01:00:00Z"}`)
	f.Add(`{"id":"","type":"","plate":"","lane":"","at":""}`)
	f.Add(`{"at":"9999-12-31T23:59:59Z"}`)
	f.Add(`null`)
	st, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	m := metrics.New()
	svc := system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: st, Now: func() time.Time { return t0 }, Metrics: m})
	h := httpapi.New(httpapi.Config{Service: svc, Log: slog.New(slog.DiscardHandler), Metrics: m, AdminToken: token})
	req := httptest.NewRequest("POST", "/v1/lots", strings.NewReader(lotJSON))
	req.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(httptest.NewRecorder(), req)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/v1/lots/140123001/events", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 && rec.Code != 404 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}

func TestTariffPreview(t *testing.T) {
	e := newEnv(t)
	// Day band 08:00-20:00 at 2.00 per 30 min; night at 1.00 per 60 min.
	tariff := `{"grace_minutes":15,"every":{"minutes":30,"price":200},"bands":[
		{"name":"day","from":"08:00","to":"20:00"},
		{"name":"night","from":"20:00","to":"08:00","every":{"minutes":60,"price":100}}]}`
	body := func(entry, exit string) string {
		return `{"tariff":` + tariff + `,"timezone":"Asia/Shanghai","currency":"CNY","entry":"` + entry + `","exit":"` + exit + `"}`
	}
	// 19:00 -> 21:30 local: day blocks start 19:00 and 19:30 (2 x 200), then
	// night blocks start 20:00 and 21:00 (2 x 100): 600.
	r := e.want(e.do("POST", "/v1/tariffs/preview", body("2026-11-23T19:00:00+08:00", "2026-11-23T21:30:00+08:00")), 200)
	if r["amount"] != float64(600) || r["currency"] != "CNY" {
		t.Fatalf("preview %v, want 600 CNY", r)
	}
	var sum float64
	for _, l := range r["lines"].([]any) {
		sum += l.(map[string]any)["amount"].(float64)
	}
	if sum != 600 {
		t.Fatalf("lines sum to %v, want the amount 600", sum)
	}
	// Within the grace period: free.
	r = e.want(e.do("POST", "/v1/tariffs/preview", body("2026-11-23T19:00:00+08:00", "2026-11-23T19:15:00+08:00")), 200)
	if r["amount"] != float64(0) {
		t.Fatalf("preview within grace %v", r)
	}
	e.problem(e.do("POST", "/v1/tariffs/preview", body("2026-11-23T19:00:00+08:00", "2026-11-23T18:00:00+08:00")), 400, "invalid")
	p := e.problem(e.do("POST", "/v1/tariffs/preview", `{"tariff":{"every":{"minutes":30,"price":200},"bands":[{"name":"d","from":"8am","to":"20:00"}]},
		"timezone":"Asia/Shanghai","currency":"CNY","entry":"2026-11-23T19:00:00+08:00","exit":"2026-11-23T20:00:00+08:00"}`), 400, "invalid")
	if !strings.HasPrefix(p["field"].(string), "tariff.bands[0].from") {
		t.Fatalf("error names %v, want the band's from field", p["field"])
	}
}

// TestTariffPreviewNeedsCurrency: the amount is in minor units of a
// currency; without one it means nothing (an answer "XXX", a code parkd
// itself refuses, left the caller guessing the scale), so it is refused,
// naming currency, like an unknown one.
func TestTariffPreviewNeedsCurrency(t *testing.T) {
	e := newEnv(t)
	for _, cur := range []string{``, `,"currency":""`, `,"currency":"XXX"`} {
		p := e.problem(e.do("POST", "/v1/tariffs/preview", `{"tariff":{"every":{"minutes":60,"price":250}},"timezone":"Asia/Shanghai"`+cur+
			`,"entry":"2026-11-23T19:00:00+08:00","exit":"2026-11-23T20:00:00+08:00"}`), 400, "invalid")
		if p["field"] != "currency" {
			t.Fatalf("%s: error names %v, want currency", cur, p["field"])
		}
	}
}

// TestTariffPreviewNull: a null tariff is a lot without one, which parks
// free (PUT null), so its preview prices 0 with no lines; it was refused
// "tariff: is required".
func TestTariffPreviewNull(t *testing.T) {
	e := newEnv(t)
	r := e.want(e.do("POST", "/v1/tariffs/preview", `{"tariff":null,"timezone":"Asia/Shanghai","currency":"CNY",`+
		`"entry":"2026-11-23T19:00:00+08:00","exit":"2026-11-24T09:00:00+08:00"}`), 200)
	if r["amount"] != float64(0) || r["currency"] != "CNY" || len(r["lines"].([]any)) != 0 {
		t.Fatalf("preview of a null tariff %v, want 0 CNY and no lines", r)
	}
	// Without the field at all, the client forgot it: not priced free.
	p := e.problem(e.do("POST", "/v1/tariffs/preview", `{"timezone":"Asia/Shanghai","currency":"CNY",`+
		`"entry":"2026-11-23T19:00:00+08:00","exit":"2026-11-24T09:00:00+08:00"}`), 400, "invalid")
	if p["field"] != "tariff" {
		t.Fatalf("preview without tariff: %v, want 400 naming tariff", p)
	}
}

// TestPutTariffNull: PUT null removes the tariff (parking becomes free,
// as PATCH {"tariff":null} does) and answers the stored tariff as JSON:
// null, not an empty body a client cannot parse.
func TestPutTariffNull(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	r := e.do("PUT", "/v1/lots/140123001/tariff", `null`)
	var v any = "unset"
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" || json.Unmarshal(r.body, &v) != nil || v != nil {
		t.Fatalf("PUT null: %d %q %q, want 200 with the JSON null", r.status, r.header.Get("Content-Type"), r.body)
	}
	e.problem(e.do("GET", "/v1/lots/140123001/tariff", ""), 404, "not_found")
}

// TestBodyNotUTF8: a body with bytes that are not UTF-8 (a camera that
// sends its lane's name in GBK) is refused, naming the byte, and nothing
// is stored; encoding/json alone would keep the text with U+FFFD in it.
func TestBodyNotUTF8(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	gbkLane := "\xc8\xeb\xbf\xda1" // 入口1 in GBK
	p := e.problem(e.do("POST", "/v1/lots/140123001/events",
		`{"id":"gbk-1","type":"entry","plate":"京A12345","lane":"`+gbkLane+`","at":"`+e.Now().UTC().Format(time.RFC3339)+`"}`), 400, "invalid")
	if p["field"] != "body" || !strings.Contains(p["detail"].(string), "not valid UTF-8 (byte 57)") {
		t.Fatalf("problem %v, want the body's byte 57 named", p)
	}
	if s := e.want(e.do("GET", "/v1/lots/140123001/stays", ""), 200); len(s["stays"].([]any)) != 0 {
		t.Fatalf("a refused event made a stay: %v", s)
	}
}

// TestAnomaliesLimit: a limit over 1000 is refused, as on every list,
// not answered silently with the default 100.
func TestAnomaliesLimit(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	if p := e.problem(e.do("GET", "/v1/lots/140123001/anomalies?limit=1001", ""), 400, "invalid"); p["field"] != "limit" {
		t.Fatalf("problem %v, want the field limit", p)
	}
	e.want(e.do("GET", "/v1/lots/140123001/anomalies?limit=1000", ""), 200)
}

// TestListLimitZero: every native list reads an explicit limit=0 the same
// way, as a page parkd gives none of, refused naming limit (some lists
// took it for their default and others refused it); left out, the
// list's default page is answered.
func TestListLimitZero(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	// A read names the lane in-1, whose commands are listed.
	e.want(e.do("POST", "/v1/lots/140123001/events", `{"id":"e1","type":"entry","plate":"京A12345","lane":"in-1","at":"2026-11-23T01:00:00Z"}`), 200)
	for _, path := range []string{
		"/v1/lots/140123001/anomalies", "/v1/lots/140123001/stays", "/v1/lots/140123001/passes",
		"/v1/lots/140123001/whitelist", "/v1/lots/140123001/coupons", "/v1/lots/140123001/spaces",
		"/v1/lots/140123001/id-tags", "/v1/lots/140123001/lanes/in-1/commands", "/v1/deliveries",
		"/v1/audit", "/v1/price-standards", "/v1/charging/sessions",
	} {
		if p := e.problem(e.do("GET", path+"?limit=0", ""), 400, "invalid"); p["field"] != "limit" {
			t.Errorf("%s?limit=0: problem %v, want the field limit", path, p)
		}
		e.want(e.do("GET", path, ""), 200)
		e.want(e.do("GET", path+"?limit=1", ""), 200)
	}
}

// TestUnknownQueryParameter: a query parameter a route does not take is
// refused, naming it and those the route takes, rather than ignored (a
// mistyped filter answered with everything, as if applied).
func TestUnknownQueryParameter(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	p := e.problem(e.do("GET", "/v1/lots/140123001/stays?plat=京A12345", ""), 400, "invalid")
	if p["field"] != "plat" || !strings.Contains(fmt.Sprint(p["detail"]), "plate") {
		t.Fatalf("problem %v, want the field plat, naming plate among those taken", p)
	}
	if p := e.problem(e.do("GET", "/v1/chargers?lot=140123001", ""), 400, "invalid"); p["field"] != "lot" {
		t.Fatalf("problem %v, want the field lot", p)
	}
	if p := e.problem(e.do("GET", "/v1/lots/140123001?verbose=1", ""), 400, "invalid"); p["field"] != "verbose" {
		t.Fatalf("problem %v, want the field verbose", p)
	}
	e.want(e.do("GET", "/v1/lots/140123001/stays?plate=京A12345&limit=10", ""), 200)
	e.want(e.do("GET", "/v1/chargers?lot_code=140123001", ""), 200)
}

// TestBodyOfABodylessRoute: a route whose document takes no body (a
// quote, a charge's stop, a rental's cancel) refuses fields sent to it,
// naming the first, rather than ignoring them, as it refuses an unknown
// query parameter. An empty body or an empty object is what it takes.
func TestBodyOfABodylessRoute(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	in := e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200)
	e.setNow(t0.Add(2 * time.Hour))
	quotes := "/v1/stays/" + in["stay_id"].(string) + "/quotes"
	p := e.problem(e.do("POST", quotes, `{"coupon":"MALL-1"}`), 400, "invalid")
	if p["field"] != "coupon" {
		t.Fatalf("problem %v, want the field coupon", p)
	}
	if p := e.problem(e.do("POST", quotes, `[1]`), 400, "invalid"); p["field"] != "body" {
		t.Fatalf("problem %v, want the field body", p)
	}
	if p := e.problem(e.do("POST", "/v1/charging/sessions/nope/stop", `{"reason":"x"}`), 400, "invalid"); p["field"] != "reason" {
		t.Fatalf("problem %v, want the field reason", p)
	}
	q := e.want(e.do("POST", quotes, ""), 201)
	e.want(e.do("POST", quotes, "{}"), 201)
	e.want(e.do("POST", "/v1/payments", fmt.Sprintf(`{"quote_id":%q,"amount":800,"method":"cash"}`, q["id"])), 201)
}

// TestRepeatedQueryParameter: a query parameter given twice is refused,
// naming it, rather than one of its values being picked: no route takes
// a list in the query string.
func TestRepeatedQueryParameter(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	p := e.problem(e.do("GET", "/v1/lots/140123001/stays?state=in&state=out", ""), 400, "invalid")
	if p["field"] != "state" {
		t.Fatalf("problem %v, want the field state", p)
	}
	e.want(e.do("GET", "/v1/lots/140123001/stays?state=in&limit=2", ""), 200)
}

// TestMalformedQuery: a query string that cannot be read (a bad %-escape,
// a ';' separator) is refused naming the parameter, rather than the broken
// pair being dropped: ?limit=%ZZ answered a full default page as if no
// limit had been asked for.
func TestMalformedQuery(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	for _, c := range []struct{ query, field string }{
		{"limit=%ZZ", "limit"},
		{"state=in&limit=5%", "limit"},
		{"%ZZ=1", "query"},
		{"state=in;limit=2", "query"},
	} {
		p := e.problem(e.do("GET", "/v1/lots/140123001/stays?"+c.query, ""), 400, "invalid")
		if p["field"] != c.field {
			t.Errorf("?%s: problem %v, want the field %s", c.query, p, c.field)
		}
	}
	e.want(e.do("GET", "/v1/lots/140123001/stays?plate=%E4%BA%ACA12345&limit=2", ""), 200)
}

// TestReusedEventIDIs409: an exit sent under an entry's id is refused with
// 409, naming the field, and is not opened on the entry's decision.
func TestReusedEventIDIs409(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("r1", "entry", "京A12345", t0)), 200)
	p := e.problem(e.do("POST", "/v1/lots/140123001/events", event("r1", "exit", "京A12345", t0)), 409, "conflict")
	if p["field"] != "id" || !strings.Contains(fmt.Sprint(p["detail"]), "id of its own") {
		t.Fatalf("problem %v, want field id saying a different event needs its own id", p)
	}
}

// TestDenyEntryFromNow: an operator blocking a car names when the block
// ends; without valid_from it starts now, and the car is refused at once.
func TestDenyEntryFromNow(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	d := e.want(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"京B77777","kind":"deny","valid_to":"2027-11-01T00:00:00Z","reason":"unpaid fees"}`), 201)
	if d["valid_from"] != t0.Format(time.RFC3339) || d["kind"] != "deny" {
		t.Fatalf("deny entry without valid_from %v: want valid_from %s (now)", d, t0.Format(time.RFC3339))
	}
	if r := e.want(e.do("POST", "/v1/lots/140123001/events", event("d1", "entry", "京B77777", t0.Add(time.Minute))), 200); r["reason"] != "refused" {
		t.Fatalf("blocked car at the entry a minute later: %v", r)
	}
	// An allow entry alike; a patch without valid_from keeps the stored one.
	a := e.want(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"沪C12345","valid_to":"2027-11-01T00:00:00Z"}`), 201)
	if a["valid_from"] != t0.Format(time.RFC3339) {
		t.Fatalf("allow entry without valid_from %v: want valid_from now", a)
	}
	e.setNow(t0.Add(time.Hour))
	if up := e.want(e.do("PATCH", "/v1/lots/140123001/whitelist/"+a["id"].(string), `{"reason":"staff"}`), 200); up["valid_from"] != t0.Format(time.RFC3339) {
		t.Fatalf("patched %v: valid_from must stay %s", up, t0.Format(time.RFC3339))
	}
	// valid_to has no default: a block with no end is a mistake to name.
	e.problem(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"京B88888","kind":"deny"}`), 400, "invalid")
}

// TestPassFromNow: a pass given only its end starts now, as a whitelist
// entry does; the car is let in free at once.
func TestPassFromNow(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	p := e.want(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"张伟","plates":["京B66666"],"valid_to":"2027-11-01T00:00:00Z"}`), 201)
	if p["valid_from"] != t0.Format(time.RFC3339) {
		t.Fatalf("pass without valid_from %v: want valid_from %s (now)", p, t0.Format(time.RFC3339))
	}
	if r := e.want(e.do("POST", "/v1/lots/140123001/events", event("p1", "entry", "京B66666", t0.Add(time.Minute))), 200); r["reason"] != "pass" {
		t.Fatalf("pass holder at the entry a minute later: %v", r)
	}
	// valid_to has no default.
	e.problem(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"李娜","plates":["京B55555"]}`), 400, "invalid")
}

// TestUncleanPath: a path with "//", "." or ".." is no route, answered with
// a problem document, not the mux's redirect with an English HTML body
// (which for ".." led into another path); an escaped slash in a segment
// is left to its route.
func TestUncleanPath(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	for _, p := range []string{"/v1//lots", "/v1/lots/./140123001", "/v1/x/../lots", "//v1/lots"} {
		r := e.do("GET", p, "")
		if r.status != 404 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("GET %s: %d %s %s; want 404 problem", p, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
	e.problem(e.do("GET", "/v1/stays/a%2F%2Fb", ""), 404, "not_found")
}

// TestCurrencyChangeWithCarsInside: a car inside was priced (and may have
// paid) in the lot's currency; changing it then would read those amounts
// in another currency (600 fen paid becoming 6.00 USD), so it is refused
// until the lot is empty, and changes nothing.
func TestCurrencyChangeWithCarsInside(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200)
	m := e.problem(e.do("PATCH", "/v1/lots/140123001", `{"currency":"USD"}`), 409, "conflict")
	if d, _ := m["detail"].(string); !strings.Contains(d, "inside") || !strings.Contains(d, "CNY") {
		t.Errorf("detail %q: want it to say cars priced in CNY are inside", d)
	}
	if l := e.want(e.do("GET", "/v1/lots/140123001", ""), 200); l["currency"] != "CNY" {
		t.Fatalf("lot %v: the refused change must leave CNY", l)
	}
	// Other settings still change while cars are inside.
	e.want(e.do("PATCH", "/v1/lots/140123001", `{"name":"Mall 2"}`), 200)
	// Once the car has left, the currency may change.
	e.setNow(t0.Add(10 * time.Minute))
	if d := e.want(e.do("POST", "/v1/lots/140123001/events", event("c2", "exit", "京A12345", t0.Add(10*time.Minute))), 200); d["decision"] != "open" {
		t.Fatalf("exit within the grace: %v", d)
	}
	if l := e.want(e.do("PATCH", "/v1/lots/140123001", `{"currency":"USD"}`), 200); l["currency"] != "USD" {
		t.Fatalf("empty lot: %v, want USD", l)
	}
}

// TestPassSpacesZero: spaces is documented as at least 1. A pass given
// spaces 0 was taken as "absent" and let every plate in free (a patch of a
// two-plate pass from 1 to 0 gave it 2); it is refused naming spaces, and
// the pass keeps its spaces.
func TestPassSpacesZero(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	body := `{"holder_name":"张伟","plates":["京A12345","京AD12345"],"valid_to":"2027-01-01T00:00:00+08:00","spaces":0}`
	if p := e.problem(e.do("POST", "/v1/lots/140123001/passes", body), 400, "invalid"); p["field"] != "spaces" {
		t.Fatalf("problem %v, want the field spaces", p)
	}
	if l := e.want(e.do("GET", "/v1/lots/140123001/passes", ""), 200); len(l["passes"].([]any)) != 0 {
		t.Fatalf("a refused pass was stored: %v", l)
	}
	p := e.want(e.do("POST", "/v1/lots/140123001/passes", strings.Replace(body, `"spaces":0`, `"spaces":1`, 1)), 201)
	path := "/v1/lots/140123001/passes/" + p["id"].(string)
	if p := e.problem(e.do("PATCH", path, `{"spaces":0}`), 400, "invalid"); p["field"] != "spaces" {
		t.Fatalf("problem %v, want the field spaces", p)
	}
	if got := e.want(e.do("GET", path, ""), 200); got["spaces"] != float64(1) {
		t.Fatalf("spaces %v after a refused patch, want 1", got["spaces"])
	}
	// Left out, spaces is one per plate.
	if p := e.want(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"李","plates":["京B12345","京BD12345"],"valid_to":"2027-01-01T00:00:00+08:00"}`), 201); p["spaces"] != float64(2) {
		t.Fatalf("spaces %v, want 2 (one per plate)", p["spaces"])
	}
}

// TestTooLongIsNotMissing: a value given but too long is refused saying
// how long it may be, not that it "is required", which sent a developer
// looking for a field they had sent.
func TestTooLongIsNotMissing(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	in := e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200)
	e.setNow(t0.Add(2 * time.Hour))
	q := e.want(e.do("POST", "/v1/stays/"+in["stay_id"].(string)+"/quotes", ""), 201)
	long := strings.Repeat("a", 65)
	for _, c := range []struct{ path, body, field, limit string }{
		{"/v1/payments", fmt.Sprintf(`{"quote_id":%q,"amount":800,"method":%q}`, q["id"], long), "method", "32"},
		{"/v1/payments", fmt.Sprintf(`{"quote_id":%q,"amount":800,"method":"cash"}`, long), "quote_id", "64"},
		{"/v1/partners", fmt.Sprintf(`{"id":"p1","name":"P","dialect":%q,"lots":["140123001"]}`, long), "dialect", "32"},
		{"/v1/devices", fmt.Sprintf(`{"serial":"cam-1","lot":"140123001","lane":"in-1","protocol":%q}`, long), "protocol", "32"},
	} {
		p := e.problem(e.do("POST", c.path, c.body), 400, "invalid")
		d, _ := p["detail"].(string)
		if p["field"] != c.field || strings.Contains(d, "required") || !strings.Contains(d, "at most "+c.limit) {
			t.Errorf("%s %s: problem %v, want %s said to be at most %s long", c.path, c.field, p, c.field, c.limit)
		}
	}
	if got := e.want(e.do("GET", "/v1/stays/"+in["stay_id"].(string), ""), 200); got["amount_paid"] != float64(0) {
		t.Fatalf("a refused payment was recorded: %v", got)
	}
}

// TestPassPatchSpacesOverPlates: a patch naming more spaces than the pass
// has plates is refused naming spaces, also while its spaces are the
// default (one per plate); it was answered 200 with the spaces quietly
// left at the plate count. Removing a plate still brings a default
// count down with it.
func TestPassPatchSpacesOverPlates(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	p := e.want(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"张伟","plates":["京A12345","京AD12345"],"valid_to":"2027-01-01T00:00:00+08:00"}`), 201)
	path := "/v1/lots/140123001/passes/" + p["id"].(string)
	if p := e.problem(e.do("PATCH", path, `{"spaces":3}`), 400, "invalid"); p["field"] != "spaces" {
		t.Fatalf("problem %v, want the field spaces", p)
	}
	if got := e.want(e.do("GET", path, ""), 200); got["spaces"] != float64(2) {
		t.Fatalf("spaces %v after a refused patch, want 2", got["spaces"])
	}
	if got := e.want(e.do("PATCH", path, `{"plates":["京A12345"]}`), 200); got["spaces"] != float64(1) {
		t.Fatalf("spaces %v after a plate was removed, want 1 (one per plate)", got["spaces"])
	}
}

// TestNullBody: a body of JSON null is not an object: refused naming the
// body. It was read as {}: a create answered about its first missing
// field, a patch answered 200 having changed nothing.
func TestNullBody(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ method, path string }{{"POST", "/v1/lots"}, {"PATCH", "/v1/lots/140123001"}} {
		if c.method == "PATCH" {
			e.want(e.do("POST", "/v1/lots", lotJSON), 201)
		}
		p := e.problem(e.do(c.method, c.path, " null "), 400, "invalid")
		if p["field"] != "body" || !strings.Contains(p["detail"].(string), "object") {
			t.Errorf("%s %s null: problem %v, want the body said to be no object", c.method, c.path, p)
		}
	}
}

// TestLeaveBy: the quote and the payment tell a driver's app until when
// the car may leave (leave_by), by the rule partners' look-ups answer
// (docs/rules.md "Free until"). lotJSON: a stay of at most 15 minutes is
// free, past it 200 per started 30 minutes from entry; exit grace 15.
func TestLeaveBy(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	in := e.want(e.do("POST", "/v1/lots/140123001/events", event("l1", "entry", "京A12345", t0)), 200)
	quotes := "/v1/stays/" + in["stay_id"].(string) + "/quotes"
	rfc := func(d time.Duration) string { return t0.Add(d).Format(time.RFC3339Nano) }

	// At t0 + 5 min nothing is due; leaving free ends with the 15 free
	// minutes: t0 + 15 min (a stay of exactly 15:00 is free).
	e.setNow(t0.Add(5 * time.Minute))
	if q := e.want(e.do("POST", quotes, ""), 201); q["amount_due"] != float64(0) || q["leave_by"] != rfc(15*time.Minute) {
		t.Fatalf("quote in the free minutes %v, want amount_due 0 and leave_by %s", q, rfc(15*time.Minute))
	}
	// At t0 + 35 min: 2 started blocks, 400; paying now buys the exit
	// grace: t0 + 35 + 15 = t0 + 50 min.
	e.setNow(t0.Add(35 * time.Minute))
	q := e.want(e.do("POST", quotes, ""), 201)
	if q["amount_due"] != float64(400) || q["leave_by"] != rfc(50*time.Minute) {
		t.Fatalf("quote %v, want amount_due 400 and leave_by %s", q, rfc(50*time.Minute))
	}
	// Paid then: paid_until is t0 + 50 min, but the 400 paid both blocks,
	// to t0 + 60 min; up to then the stay costs 400, a second later a
	// third block (600 - 400 = 200). So leave_by t0 + 60 min.
	p := e.want(e.do("POST", "/v1/payments", fmt.Sprintf(`{"quote_id":%q,"amount":400,"method":"cash"}`, q["id"])), 201)
	if p["paid_until"] != rfc(50*time.Minute) || p["leave_by"] != rfc(60*time.Minute) {
		t.Fatalf("payment %v, want paid_until %s and leave_by %s", p, rfc(50*time.Minute), rfc(60*time.Minute))
	}
}
