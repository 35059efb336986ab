package linkc_test

import (
	"testing"
	"time"
)

// TestDuplicateKeys: a body that names a field twice is refused naming
// it, not read as its last value: {"valor":"1.0","valor":"10.5"} is
// either amount depending on who reads it, and a payment is no place to
// guess.
func TestDuplicateKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "k-1", "ABC1234", entry)
	e.clock.Set(entry.Add(90 * time.Minute))
	tx, due := lookup(t, e, "localizador="+d.Locator)
	const twice = "o campo aparece mais de uma vez no corpo; envie-o uma só vez"
	for _, c := range []struct{ body, campo string }{
		{`{"transacao_id":"` + tx + `","valor":"1.0","valor":"` + due + `","forma_pagamento":"PIX"}`, "valor"},
		{`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"PIX","cartao_credito":{"token":"a","token":"b"}}`,
			"cartao_credito.token"},
		// encoding/json matches a field in any case: VALOR is valor too.
		{`{"transacao_id":"` + tx + `","valor":"` + due + `","VALOR":"1.0","forma_pagamento":"PIX"}`, "valor"},
	} {
		m := wantError(t, e.post("/api/estadias/pagamentos", c.body), 400, "invalid")
		if m["campo"] != c.campo || m["detalhe"] != twice {
			t.Errorf("%s: %v, want campo %s", c.body, m, c.campo)
		}
	}
	m := wantError(t, e.do("POST", "/api/autenticacao", `{"usuario":"ninguem","usuario":"ana","senha":"`+password+`"}`), 400, "invalid")
	if m["campo"] != "usuario" {
		t.Errorf("sign-in naming usuario twice: %v", m)
	}
	// Nothing was paid: the transaction pays once, sent right.
	want(t, e.post("/api/estadias/pagamentos", payBody(tx, due)), 200)
}
