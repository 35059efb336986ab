package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/store/sqlite"
)

// badTexts are what the text rule refuses (park.BadText), as JSON string
// contents: a NUL byte (SQLite stored it, PostgreSQL refused it, so the
// row could not be copied by parkd migrate --to), CR/LF, an ANSI escape
// and a bidirectional override (stored and echoed to operators).
var badTexts = map[string]string{
	"NUL":  `\u0000`,
	"CRLF": `\r\nforged`,
	"ANSI": `\u001b[31m`,
	"Bidi": `\u202e`,
}

// badTextCase is one request carrying a bad text (%s in body or path) and
// what its answer must name: a native field, or the word an Ebopark desc
// or a Linkc reply carries.
type badTextCase struct {
	name, method, path, body string
	field                    string
}

var badTextCases = []badTextCase{
	{"LotName", "POST", "/v1/lots", `{"code":"L2","name":"Lot%s","timezone":"Asia/Shanghai","currency":"CNY","capacity":5}`, "name"},
	{"EventID", "POST", "/v1/lots/L1/events", `{"id":"ev%s","type":"entry","plate":"京A00001","lane":"in-1","at":"2026-11-23T09:00:00Z"}`, "id"},
	{"EventLane", "POST", "/v1/lots/L1/events", `{"id":"ev-lane","type":"entry","plate":"京A00001","lane":"in%s","at":"2026-11-23T09:00:00Z"}`, "lane"},
	{"PassHolder", "POST", "/v1/lots/L1/passes", `{"holder_name":"张%s","plates":["京A00002"],"valid_from":"2026-11-01T00:00:00Z","valid_to":"2026-12-01T00:00:00Z"}`, "holder_name"},
	{"PartnerName", "POST", "/v1/partners", `{"id":"p2","name":"P%s","dialect":"linkc","lots":["L1"]}`, "name"},
	{"PartnerSecret", "POST", "/v1/partners", `{"id":"p3","name":"P","dialect":"ebopark","secret":"0123456789abcdef%s","lots":["L1"]}`, "secret"},
	{"PlanName", "POST", "/v1/lots/L1/plans", `{"code":"m1","name":"Monthly%s","price":1000}`, "name"},
	{"WhitelistReason", "POST", "/v1/lots/L1/whitelist", `{"plate":"京A00003","kind":"allow","valid_from":"2026-11-01T00:00:00Z","valid_to":"2026-12-01T00:00:00Z","reason":"staff%s"}`, "reason"},
	{"CouponMerchant", "POST", "/v1/lots/L1/coupons", `{"plate":"京A00004","kind":"minutes","value":30,"merchant":"shop%s"}`, "merchant"},
	{"GateReason", "POST", "/v1/lots/L1/lanes/in-1/commands", `{"command":"open","reason":"jam%s"}`, "reason"},
	{"GateOperator", "POST", "/v1/lots/L1/lanes/in-1/commands", `{"command":"open","operator":"ana%s"}`, "operator"},
	{"PaymentReference", "POST", "/v1/payments", `{"quote_id":"00000000-0000-4000-8000-000000000000","amount":1,"method":"cash","reference":"r%s"}`, "reference"},
	{"StayIDInPath", "GET", "/v1/stays/s%s", ``, "id"},
	{"PlateInQuery", "GET", "/v1/lots/L1/stays?plate=%s", ``, "plate"},
	{"EboparkUserName", "POST", "/partnerService/AddMonthCar?partnerid=ebo&sign=" + eboSecret,
		`{"ParkCode":"L1","CarNo":"京A00005","UserName":"张%s","BeginTime":"2026-11-01 00:00:00","EndTime":"2026-12-01 00:00:00"}`, "UserName"},
	{"EboparkRemark", "POST", "/partnerService/OpenGate?partnerid=ebo&sign=" + eboSecret, `{"ParkCode":"L1","ChannelId":"in-1","Remark":"jam%s"}`, "Remark"},
	{"LinkcUser", "POST", "/api/autenticacao", `{"usuario":"ana%s","senha":"senha-forte-1"}`, "usuário ou senha incorretos"},
}

// eboSecret is the static sign of the corpus's Ebopark partner, made as
// the demo makes the vendor's test partner, so the corpus needs no signing.
const eboSecret = "corpus-secret-0123456789"

// TestBadTextCorpus: every free text of every API refuses NUL bytes and
// control characters at the edge, naming the field, and answers the same
// on SQLite and on PostgreSQL (when PARKD_TEST_POSTGRES is set), so that
// nothing one engine stored is refused by the other.
func TestBadTextCorpus(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	answers := map[string]map[string]string{} // store -> case -> answer
	for _, name := range []string{"sqlite", "postgres"} {
		var st park.Store
		if name == "postgres" {
			if os.Getenv(pgtest.Env) == "" {
				t.Log("PARKD_TEST_POSTGRES not set: the corpus runs on SQLite only")
				continue
			}
			st = pgtest.Open(t)
		} else {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			st = s
		}
		e := newCorpusEnv(t, st, now)
		answers[name] = map[string]string{}
		for _, c := range badTextCases {
			for bad, text := range badTexts {
				body, path := c.body, c.path
				if strings.Contains(body, "%s") {
					body = fmt.Sprintf(body, text)
				} else {
					var raw string
					if err := json.Unmarshal([]byte(`"`+text+`"`), &raw); err != nil {
						t.Fatal(err)
					}
					path = fmt.Sprintf(path, url.PathEscape(raw))
				}
				r := e.admin(c.method, path, body)
				key := c.name + "/" + bad
				answers[name][key] = fmt.Sprintf("%d %s", r.status, r.body)
				t.Run(name+"/"+key, func(t *testing.T) { wantRefused(t, c, r) })
			}
		}
		// Nothing was stored: the lot has the one car and pass it was given.
		if stays, err := e.sys.Gate.ListStays(context.Background(), gate.StayQuery{LotCode: "L1"}); err != nil || len(stays) != 1 {
			t.Errorf("%s: stays %v, %v; want the fixture's one", name, stays, err)
		}
	}
	if a, b := answers["sqlite"], answers["postgres"]; b != nil {
		for k, v := range a {
			if b[k] != v {
				t.Errorf("%s answers differ:\nsqlite:   %s\npostgres: %s", k, v, b[k])
			}
		}
	}
}

// wantRefused checks a refusal: the native API's 400 naming the field,
// Ebopark's error envelope naming it, Linkc's failed sign-in.
func wantRefused(t *testing.T, c badTextCase, r testReply) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("%d %s: not JSON", r.status, r.body)
	}
	switch {
	case strings.HasPrefix(c.path, "/v1/"):
		if r.status != 400 || m["code"] != "invalid" || m["field"] != c.field {
			t.Fatalf("%d %s; want 400 invalid on field %s", r.status, r.body, c.field)
		}
	case strings.HasPrefix(c.path, "/partnerService/"):
		if m["state"] != -1.0 || !strings.Contains(m["desc"].(string), c.field) {
			t.Fatalf("%d %s; want state -1 naming %s", r.status, r.body, c.field)
		}
	default:
		if r.status != 401 || !strings.Contains(r.body, c.field) {
			t.Fatalf("%d %s; want 401 %q", r.status, r.body, c.field)
		}
	}
}

// newCorpusEnv is a server with lot L1 (a car inside, lane in-1 known), an
// Ebopark partner, and a Linkc user whose partner uses lot BR1 (Linkc's
// partners use only lots priced in reais).
func newCorpusEnv(t *testing.T, st park.Store, now time.Time) *testEnv {
	t.Helper()
	e := newTestEnv(t, st, now)
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.sys.Gate.CreateLot(ctx, &park.Lot{Code: "L1", Name: "Lot", TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: 10,
		Tariff: json.RawMessage(`{"every":{"minutes":60,"price":200}}`)}))
	must(e.sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: "L1", ID: "in-0", Type: park.EventEntry, Plate: "京A99999",
		Lane: "in-1", At: now.Add(-time.Hour)}))
	must(e.sys.Partners.CreateDemoPartner(ctx, &park.Partner{ID: "ebo", Name: "Ebo", Dialect: "ebopark", Type: park.PartnerNormal,
		Secret: eboSecret, SignMode: "static", Lots: []string{"L1"}}))
	must(e.sys.Gate.CreateLot(ctx, &park.Lot{Code: "BR1", Name: "Garagem", TimeZone: "America/Sao_Paulo", Currency: "BRL", Capacity: 10}))
	must(e.sys.Partners.CreatePartner(ctx, &park.Partner{ID: "lk", Name: "Lk", Dialect: "linkc", Type: park.PartnerNormal,
		Lots: []string{"BR1"}}))
	must(e.sys.Partners.CreateIntegrator(ctx, partners.IntegratorInput{Username: "ana", Password: "senha-forte-1", Partners: []string{"lk"}}))
	return e
}
