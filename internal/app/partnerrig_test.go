package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/system"
)

// partnerRig is parkd with every dialect mounted on st at a standing
// clock, two lots priced by tariff, cn1 (yuan, Shanghai) and br1 (reais,
// São Paulo), and a partner of each: eb, an Ebopark payment app of cn1
// signing with its secret itself, and lk, a Linkc integrator of br1
// whose user ana signs in with senha-forte-1.
type partnerRig struct {
	sys *system.System
	h   *httpapi.Server
	ctx context.Context
}

func newPartnerRig(t *testing.T, st park.Store, m *metrics.Metrics, now time.Time, tariff string) *partnerRig {
	t.Helper()
	if m == nil {
		m = metrics.New()
	}
	sys := system.New(systemConfig(st, nil, m, func() time.Time { return now }))
	h := httpapi.New(httpapi.Config{Service: sys, Metrics: m, AdminToken: testAdmin, Now: func() time.Time { return now }})
	for _, d := range dialects {
		d.mount(sys, nil, h.Mount)
	}
	r := &partnerRig{sys: sys, h: h, ctx: context.Background()}
	for _, lot := range []string{"cn1", "br1"} {
		cur, tz := "CNY", "Asia/Shanghai"
		if lot == "br1" {
			cur, tz = "BRL", "America/Sao_Paulo"
		}
		r.must(t)(sys.Gate.CreateLot(r.ctx, &park.Lot{Code: lot, Name: lot, TimeZone: tz, Currency: cur, Capacity: 10,
			Tariff: json.RawMessage(tariff)}))
	}
	r.must(t)(sys.Partners.CreateDemoPartner(r.ctx, &park.Partner{ID: "eb", Name: "Pay app", Dialect: "ebopark", Type: park.PartnerNormal,
		Secret: eboSecret, SignMode: "static", Lots: []string{"cn1"}}))
	r.must(t)(sys.Partners.CreatePartner(r.ctx, &park.Partner{ID: "lk", Name: "Integrator", Dialect: "linkc", Type: park.PartnerNormal,
		Lots: []string{"br1"}}))
	r.must(t)(sys.Partners.CreateIntegrator(r.ctx, partners.IntegratorInput{Username: "ana", Password: "senha-forte-1", Partners: []string{"lk"}}))
	return r
}

// must fails t on a setup call's error.
func (r *partnerRig) must(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// enter parks plate in lot, entered at in, as event id.
func (r *partnerRig) enter(t *testing.T, id, lot, plate string, in time.Time) {
	t.Helper()
	r.must(t)(r.sys.Gate.HandleEvent(r.ctx, gate.EventInput{LotCode: lot, ID: id, Type: park.EventEntry,
		Plate: plate, Lane: "in-1", At: in}))
}

// do sends a request with header pairs and answers its JSON object,
// failing t on anything but a 2xx with one.
func (r *partnerRig) do(t *testing.T, method, path, body string, header ...string) map[string]any {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil || rec.Code >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, rec.Code, b)
	}
	return out
}
