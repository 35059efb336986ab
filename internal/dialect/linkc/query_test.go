package linkc_test

import (
	"strings"
	"testing"
	"time"
)

// TestQueryParameters: a query parameter a route does not take, or one
// given twice, is refused naming it, never ignored: a misspelt
// parceiro_id would otherwise look up (and pay) as the default partner,
// and a ticket= beside placa= would look up the plate alone.
func TestQueryParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "q-1", "ABC1234", entry)
	e.clock.Set(entry.Add(90 * time.Minute))
	const rota = "parâmetro desconhecido; esta rota aceita "

	for _, c := range []struct{ path, campo, detalhe string }{
		{"/api/estadias?localizador=" + d.Locator + "&parceiroid=other", "parceiroid", rota + "localizador, placa e parceiro_id"},
		{"/api/estadias?placa=ABC1234&ticket=1", "ticket", rota + "localizador, placa e parceiro_id"},
		{"/api/estadias?placa=ABC1234&Placa=XYZ9876", "Placa", rota + "localizador, placa e parceiro_id"},
		{"/api/parceiros?parceiro_id=app", "parceiro_id", "esta rota não aceita parâmetros"},
		// Two unknown: the first by name, every time.
		{"/api/estadias?placa=ABC1234&z=1&b=2", "b", rota + "localizador, placa e parceiro_id"},
	} {
		m := wantError(t, e.get(c.path), 400, "invalid")
		if m["campo"] != c.campo || m["detalhe"] != c.detalhe {
			t.Errorf("%s: %v, want campo %s, detalhe %q", c.path, m, c.campo, c.detalhe)
		}
	}

	// A long unknown name is not echoed whole.
	long := strings.Repeat("x", 5000)
	for _, r := range []reply{e.get("/api/estadias?placa=ABC1234&" + long + "=1"),
		e.post("/api/estadias/pagamentos", `{"`+long+`":1}`)} {
		m := wantError(t, r, 400, "invalid")
		if campo := m["campo"].(string); campo != strings.Repeat("x", 32)+"…" {
			t.Errorf("campo of a 5000-character name: %d characters", len(campo))
		}
	}

	m := wantError(t, e.do("POST", "/api/autenticacao?usuario=ana", `{"usuario":"ana","senha":"`+password+`"}`), 400, "invalid")
	if m["campo"] != "usuario" || m["detalhe"] != "esta rota não aceita parâmetros" {
		t.Errorf("sign-in with a query: %v", m)
	}

	t.Run("Payment", func(t *testing.T) {
		tx, due := lookup(t, e, "localizador="+d.Locator)
		for _, c := range []struct{ query, campo, detalhe string }{
			{"?parceiroid=app", "parceiroid", rota + "parceiro_id"},
			{"?parceiro_id=app&parceiro_id=sandbox", "parceiro_id", "informado mais de uma vez"},
			{"?%zz", "query", "a query string não é válida"},
		} {
			m := wantError(t, e.post("/api/estadias/pagamentos"+c.query, payBody(tx, due)), 400, "invalid")
			if m["campo"] != c.campo || m["detalhe"] != c.detalhe {
				t.Errorf("%s: %v, want campo %s, detalhe %q", c.query, m, c.campo, c.detalhe)
			}
		}
		// Refused, so not paid: the same transaction pays once it is right.
		want(t, e.post("/api/estadias/pagamentos?parceiro_id=app", payBody(tx, due)), 200)
	})
}
