package linkc_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/dialect/linkc"
	"parkd/internal/gate"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
	"parkd/internal/testutil"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var (
	sp     = mustLoc("America/Sao_Paulo")
	manaus = mustLoc("America/Manaus")
	// entry is the seed's entrada_datahora.
	entry = time.Date(2019, 8, 31, 1, 26, 44, 0, sp)
)

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

const (
	adminToken = "admin-secret"
	password   = "senha-forte-1"
	// spTariff: R$ 5,50 the first hour, R$ 5,00 each further started hour.
	spTariff = `{"first":{"minutes":60,"price":550},"every":{"minutes":60,"price":500}}`
	// shopTariff: R$ 10,50 the first hour.
	shopTariff = `{"first":{"minutes":60,"price":1050},"every":{"minutes":60,"price":500}}`
)

type env struct {
	svc   *system.System
	store park.Store
	clock *clock
	logs  *testutil.Buffer
	h     http.Handler
	ctx   context.Context
	token string // ana's token
}

// newEnv builds parkd's HTTP server with the Linkc dialect mounted, over a
// real store, with:
//   - lots sp (Sao Paulo), manaus (Manaus), shop (Sao Paulo) and sbx (a
//     Sao Paulo sandbox), all BRL;
//   - partners app (normal: sp, manaus), osa (OSA: shop), sandbox (sbx),
//     other (normal: sp);
//   - integrators ana (app*, osa, sandbox) and bia (other*).
func newEnv(t testing.TB) *env {
	t.Helper()
	st := teststore.Open(t)
	c := &clock{t: entry.Add(-time.Hour)}
	logs := &testutil.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := system.New(system.Config{Dialects: []string{linkc.Name}, Barriers: device.NewMemory(), Store: st, Now: c.Now, Log: log})
	srv := httpapi.New(httpapi.Config{Service: svc, Log: log, Metrics: metrics.New(), AdminToken: adminToken, Now: c.Now})
	linkc.New(linkc.Config{Service: svc, Log: log}).Mount(srv.Mount)
	e := &env{svc: svc, store: st, clock: c, logs: logs, h: srv, ctx: context.Background()}
	for _, l := range []struct {
		code, tz, tariff string
		sandbox          bool
	}{{"sp", "America/Sao_Paulo", spTariff, false}, {"manaus", "America/Manaus", spTariff, false},
		{"shop", "America/Sao_Paulo", shopTariff, false}, {"sbx", "America/Sao_Paulo", spTariff, true}} {
		if _, err := svc.Gate.CreateLot(e.ctx, &park.Lot{Code: l.code, Name: "Garagem " + l.code, TimeZone: l.tz, Currency: "BRL",
			Capacity: 100, ExitGraceMinutes: 15, QuoteTTLSeconds: 300, Sandbox: l.sandbox, Tariff: json.RawMessage(l.tariff)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []struct {
		id, typ string
		lots    []string
	}{{"app", "normal", []string{"sp", "manaus"}}, {"osa", "own_entries", []string{"shop"}}, {"sandbox", "normal", []string{"sbx"}},
		{"other", "normal", []string{"sp"}}} {
		e.admin(t, "POST", "/v1/partners", `{"id":"`+p.id+`","name":"Parceiro `+p.id+`","dialect":"linkc","type":"`+p.typ+
			`","lots":`+jsonList(p.lots)+`}`, http.StatusCreated)
	}
	e.admin(t, "POST", "/v1/integrators", `{"username":"ana","password":"`+password+`","partners":["app","osa","sandbox"],"default_partner":"app"}`, http.StatusCreated)
	e.admin(t, "POST", "/v1/integrators", `{"username":"bia","password":"`+password+`","partners":["other"]}`, http.StatusCreated)
	e.token = e.login(t, "ana", password)
	return e
}

func jsonList(s []string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("reply is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// do sends a request; headers are name, value pairs. Accept is the
// vendor's unless given.
func (e *env) do(method, path, body string, headers ...string) reply {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Accept", "application/vnd.linkc.com.br; version=1")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return reply{status: rec.Code, header: rec.Header(), body: b}
}

// get sends an authenticated Linkc GET with ana's token.
func (e *env) get(path string, headers ...string) reply {
	return e.do("GET", path, "", append([]string{"Authorization", "Bearer " + e.token}, headers...)...)
}

func (e *env) post(path, body string) reply {
	return e.do("POST", path, body, "Authorization", "Bearer "+e.token, "Content-Type", "application/json")
}

func (e *env) admin(t testing.TB, method, path, body string, want int) reply {
	t.Helper()
	r := e.do(method, path, body, "Authorization", "Bearer "+adminToken, "Accept", "application/json")
	if r.status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r
}

func (e *env) login(t testing.TB, user, pass string) string {
	t.Helper()
	r := e.do("POST", "/api/autenticacao", `{"usuario":"`+user+`","senha":"`+pass+`"}`)
	if r.status != http.StatusOK {
		t.Fatalf("login %s: status %d: %s", user, r.status, r.body)
	}
	tok, _ := r.json(t)["token"].(string)
	if tok == "" {
		t.Fatalf("login %s: no token in %s", user, r.body)
	}
	return tok
}

// want checks a reply's status and returns its JSON body.
func want(t testing.TB, r reply, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r.json(t)
}

// wantError checks a Linkc error reply: status, code and a message.
func wantError(t testing.TB, r reply, status int, code string) map[string]any {
	t.Helper()
	m := want(t, r, status)
	if m["codigo"] != code || m["mensagem"] == "" {
		t.Fatalf("error body %s, want codigo %q and a mensagem", r.body, code)
	}
	return m
}

// enter records a lane entry at a lot and returns the decision.
func (e *env) enter(t testing.TB, lot, id, plate string, at time.Time) park.Decision {
	t.Helper()
	e.clock.Set(at)
	d, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lot, ID: id, Type: park.EventEntry, Plate: plate,
		Lane: "in-1", At: at})
	if err != nil || d.Decision != park.DecisionOpen {
		t.Fatalf("entry %s: %+v %v", plate, d, err)
	}
	return d
}

// payNative pays a stay in full through the native core at `at`.
func (e *env) payNative(t testing.TB, stayID string, at time.Time) *park.Payment {
	t.Helper()
	e.clock.Set(at)
	q, err := e.svc.Billing.CreateQuote(e.ctx, stayID, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Billing.Pay(e.ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Payment
}
