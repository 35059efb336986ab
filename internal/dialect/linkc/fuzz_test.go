package linkc_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzEstadiasQuery sends arbitrary query strings to the lookup; whatever
// comes in, the answer is never a 500.
func FuzzEstadiasQuery(f *testing.F) {
	e := newEnv(f)
	d := e.enter(f, "sp", "f-1", "ABC1234", entry)
	e.clock.Set(entry.Add(2 * time.Hour))
	e.token = e.login(f, "ana", password)
	for _, s := range []string{"localizador=" + d.Locator, "placa=ABC1234", "placa=abc-1c34", "localizador=", "parceiro_id=osa&placa=X",
		"localizador=9&parceiro_id=sandbox", "placa=%00", "localizador=%zz", "placa=京A12345", "localizador=1;placa=2",
		"parceiro_id=sandbox&placa=Z", "localizador=" + strings.Repeat("1", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest("GET", "/api/estadias", nil)
		req.URL.RawQuery = raw // any bytes, even those no client could send
		req.Header.Set("Authorization", "Bearer "+e.token)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		r := reply{status: rec.Code, body: rec.Body.Bytes()}
		if r.status >= 500 {
			t.Fatalf("%q: %d %s", raw, r.status, r.body)
		}
	})
}

// FuzzPagamento sends arbitrary payment bodies: never a 500.
func FuzzPagamento(f *testing.F) {
	e := newEnv(f)
	e.enter(f, "sp", "f-2", "ABC1234", entry)
	e.clock.Set(entry.Add(2 * time.Hour))
	e.token = e.login(f, "ana", password)
	tx, due := lookupTB(f, e, "placa=ABC1234")
	for _, s := range []string{payBody(tx, due), payBody(tx, "1.001"), payBody(tx, "x"), `{"transacao_id":1}`, `[]`, `null`, ``,
		`{"transacao_id":"` + tx + `","valor":1e400,"forma_pagamento":"PIX"}`,
		`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"PIX","cartao_credito":{"numero":"4111111111111111"}}`,
		`{"transacao_id":"` + tx + `","valor":-5,"forma_pagamento":"PIX"}`, `{"valor":{"a":1}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := e.post("/api/estadias/pagamentos", body)
		if r.status >= 500 {
			t.Fatalf("%q: %d %s", body, r.status, r.body)
		}
	})
}

func lookupTB(tb testing.TB, e *env, query string) (string, string) {
	tb.Helper()
	m := want(tb, e.get("/api/estadias?"+query), 200)
	for _, v := range m {
		v := v.(map[string]any)
		return v["transacao"].(string), v["valor_devido"].(string)
	}
	tb.Fatal("empty reply")
	return "", ""
}
