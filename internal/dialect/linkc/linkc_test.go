package linkc_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/store/sqlite"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "a-1", "ABC1234", entry)
	path := "/api/estadias?localizador=" + d.Locator

	t.Run("LoginReply", func(t *testing.T) {
		r := e.do("POST", "/api/autenticacao", `{"usuario":"ana","senha":"`+password+`"}`)
		m := want(t, r, 200)
		exp, err := time.Parse(time.RFC3339, m["expiracao_datahora"].(string))
		if err != nil || !exp.Equal(e.clock.Now().Add(24*time.Hour)) || !strings.HasSuffix(m["expiracao_datahora"].(string), "+00:00") {
			t.Fatalf("expiracao_datahora %v (%v), want now + 24 h with +00:00", m["expiracao_datahora"], err)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		// The same words whichever was wrong.
		for _, user := range []string{"ana", "ninguem"} {
			m := wantError(t, e.do("POST", "/api/autenticacao", `{"usuario":"`+user+`","senha":"errada-123"}`), 401, "unauthorized")
			if m["detalhe"] != "usuário ou senha incorretos" || m["campo"] != nil {
				t.Fatalf("%s: %v", user, m)
			}
		}
		if m := wantError(t, e.do("POST", "/api/autenticacao", `{"senha":"x"}`), 400, "invalid"); m["campo"] != "usuario" ||
			m["detalhe"] != "informe o usuario" {
			t.Errorf("sign-in without usuario: %v, want campo usuario and detalhe \"informe o usuario\"", m)
		}
		wantError(t, e.do("POST", "/api/autenticacao", `{"usuario":"ana","senha":"x","extra":1}`), 400, "invalid")
	})
	t.Run("ErrNoToken", func(t *testing.T) {
		r := e.do("GET", path, "")
		wantError(t, r, 401, "unauthorized")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		wantError(t, e.do("GET", path, "", "Authorization", "Bearer nao-existe"), 401, "unauthorized")
		wantError(t, e.do("GET", path, "", "Authorization", "Basic YW5hOnNlbmhh"), 401, "unauthorized")
		// The admin token is not a Linkc token.
		wantError(t, e.do("GET", path, "", "Authorization", "Bearer "+adminToken), 401, "unauthorized")
	})
	t.Run("Accept", func(t *testing.T) {
		want(t, e.get(path), 200)
		want(t, e.get(path, "Accept", ""), 200) // missing: version 1
		want(t, e.get(path, "Accept", "application/json"), 200)
		want(t, e.get(path, "Accept", "application/vnd.linkc.com.br"), 200)
		wantError(t, e.get(path, "Accept", "application/vnd.linkc.com.br; version=2"), 406, "not_acceptable")
		wantError(t, e.do("POST", "/api/autenticacao", `{}`, "Accept", "application/vnd.linkc.com.br; version=9"), 406, "not_acceptable")
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		tok := e.login(t, "bia", password)
		r := e.do("GET", "/api/parceiros", "", "Authorization", "Bearer "+tok)
		want(t, r, 200)
		m := want(t, e.admin(t, "DELETE", "/v1/integrators/bia/tokens", "", 200), 200)
		if m["revoked"] != float64(1) {
			t.Fatalf("revoked %v, want 1", m["revoked"])
		}
		m = wantError(t, e.do("GET", "/api/parceiros", "", "Authorization", "Bearer "+tok), 401, "unauthorized")
		// Revoked at the clock's 2019-08-31T01:26:44-03:00, written in UTC
		// (a token belongs to no garage).
		if m["campo"] != "Authorization" || m["detalhe"] != "o token deixou de valer em 2019-08-31T04:26:44+00:00 "+
			"(expirou ou foi revogado); obtenha um novo com POST /api/autenticacao" {
			t.Fatalf("revoked token: %v", m)
		}
		e.login(t, "bia", password) // a new sign-in works
		e.admin(t, "DELETE", "/v1/integrators/nobody/tokens", "", 404)
	})
	t.Run("ErrExpired", func(t *testing.T) {
		e2 := newEnv(t)
		e2.clock.Set(e2.clock.Now().Add(24*time.Hour - time.Second))
		want(t, e2.get("/api/parceiros"), 200)
		e2.clock.Set(e2.clock.Now().Add(time.Second))
		m := wantError(t, e2.get("/api/parceiros"), 401, "unauthorized")
		// Signed in at 2019-08-31T00:26:44-03:00 (03:26:44 UTC), valid
		// 24 hours: until 2019-09-01T03:26:44 UTC.
		if m["campo"] != "Authorization" || m["detalhe"] != "o token deixou de valer em 2019-09-01T03:26:44+00:00 "+
			"(expirou ou foi revogado); obtenha um novo com POST /api/autenticacao" {
			t.Fatalf("expired token: %v", m)
		}
	})
}

func TestParceiros(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.get("/api/parceiros")
	want(t, r, 200)
	const wantBody = `{"parceiros":[{"id":"app","nome":"Parceiro app","tipo":"NORMAL","padrao":true},` +
		`{"id":"osa","nome":"Parceiro osa","tipo":"OSA","padrao":false},{"id":"sandbox","nome":"Parceiro sandbox","tipo":"NORMAL","padrao":false}]}`
	if strings.TrimSpace(string(r.body)) != wantBody {
		t.Fatalf("got %s", r.body)
	}
}

func TestLookupErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "l-1", "ABC1234", entry)
	e.clock.Set(entry.Add(30 * time.Minute))

	t.Run("ErrNoLocatorNorPlate", func(t *testing.T) {
		m := wantError(t, e.get("/api/estadias"), 400, "invalid")
		if m["campo"] != "localizador" {
			t.Fatalf("campo %v", m["campo"])
		}
		wantError(t, e.get("/api/estadias?localizador=&placa="), 400, "invalid")
		wantError(t, e.get("/api/estadias?localizador=1&placa=ABC1234"), 400, "invalid")
		wantError(t, e.get("/api/estadias?localizador=1&localizador=2"), 400, "invalid")
		wantError(t, e.get("/api/estadias?placa=not-a-plate!"), 400, "invalid")
		wantError(t, e.get("/api/estadias?localizador=%zz"), 400, "invalid")
	})
	t.Run("ErrPartnerNotTheCallers", func(t *testing.T) {
		m := wantError(t, e.get("/api/estadias?parceiro_id=other&localizador="+d.Locator), 400, "invalid")
		if m["campo"] != "parceiro_id" {
			t.Fatalf("campo %v", m["campo"])
		}
		wantError(t, e.get("/api/estadias?parceiro_id=nope&localizador="+d.Locator), 400, "invalid")
	})
	t.Run("ErrNotInGarage", func(t *testing.T) {
		wantError(t, e.get("/api/estadias?localizador=1111111111"), 404, "not_found")
		wantError(t, e.get("/api/estadias?placa=XYZ9876"), 404, "not_found")
		// A partner only sees its own lots: the sandbox partner's lot
		// holds no such car, so it is made up there, not found in sp.
		r := e.get("/api/estadias?parceiro_id=sandbox&localizador=" + d.Locator)
		if d.Locator[0] == '9' { // a sandbox 404
			wantError(t, r, 404, "not_found")
			return
		}
		m := want(t, r, 200)["estadia_calculo"].(map[string]any)
		if m["entrada_datahora"] == "2019-08-31T01:26:44-03:00" {
			t.Fatal("the sandbox partner saw a stay of a lot it may not use")
		}
	})
	t.Run("ErrLeft", func(t *testing.T) {
		e.payNative(t, d.StayID, entry.Add(40*time.Minute))
		e.clock.Set(entry.Add(45 * time.Minute))
		if dec, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: "sp", ID: "l-2", Type: park.EventExit,
			Plate: "ABC1234", Lane: "out-1", At: entry.Add(45 * time.Minute)}); err != nil || dec.Decision != park.DecisionOpen {
			t.Fatalf("exit %+v %v", dec, err)
		}
		wantError(t, e.get("/api/estadias?localizador="+d.Locator), 404, "not_found")
		wantError(t, e.get("/api/estadias?placa=ABC1234"), 404, "not_found")
	})
}

func TestNothingDueHasNoTransaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "n-1", "ABC1234", entry)
	e.payNative(t, d.StayID, entry.Add(10*time.Minute))
	e.clock.Set(entry.Add(20 * time.Minute))
	r := e.get("/api/estadias?localizador=" + d.Locator)
	m := want(t, r, 200)["estadia_calculo"].(map[string]any)
	if _, ok := m["transacao"]; ok {
		t.Fatalf("transacao present with nothing due: %s", r.body)
	}
	if _, ok := m["transacao_validade_datahora"]; ok {
		t.Fatalf("transacao_validade_datahora present with nothing due: %s", r.body)
	}
	// Paid R$ 5,50 at 01:36:44 (10 min: spTariff's first hour); looked up
	// at 01:46:44, still in the first hour, so nothing is due.
	// validade_datahora: the last instant leaving still owes nothing. The
	// payment's paid_until is 01:51:44 (paid at 01:36:44 + 15 min grace),
	// but the R$ 5,50 paid the whole first hour: up to 02:26:44 (entry
	// 01:26:44 + 1 h) the stay costs R$ 5,50, paid; a second later R$ 10,50.
	if m["valor_devido"] != "0.0" || m["valor_pago"] != "5.5" || m["validade_datahora"] != "2019-08-31T02:26:44-03:00" {
		t.Fatalf("got %s", r.body)
	}
}

func TestTimeZones(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The same instant in two garages: each shows its own offset.
	a := e.enter(t, "sp", "tz-1", "ABC1234", entry)
	b := e.enter(t, "manaus", "tz-2", "DEF5678", entry)
	e.clock.Set(entry.Add(90 * time.Minute))
	ms := want(t, e.get("/api/estadias?localizador="+a.Locator), 200)["estadia_calculo"].(map[string]any)
	mm := want(t, e.get("/api/estadias?localizador="+b.Locator), 200)["estadia_calculo"].(map[string]any)
	if ms["entrada_datahora"] != "2019-08-31T01:26:44-03:00" || mm["entrada_datahora"] != "2019-08-31T00:26:44-04:00" {
		t.Fatalf("entries %v and %v", ms["entrada_datahora"], mm["entrada_datahora"])
	}
	// Both stays: 90 min under spTariff, R$ 5,50 + R$ 5,00 = "10.5"; the
	// transaction lives 300 s from the lookup at 02:56:44 -03:00, which is
	// 01:56:44 in Manaus; paid now, the car may leave within the 15 min
	// exit grace, until 03:11:44 -03:00 (02:11:44 in Manaus).
	if ms["validade_datahora"] != "2019-08-31T03:11:44-03:00" || mm["validade_datahora"] != "2019-08-31T02:11:44-04:00" {
		t.Errorf("validade_datahora sp %v, manaus %v; want the lookup + 15 min exit grace", ms["validade_datahora"], mm["validade_datahora"])
	}
	if mm["transacao_validade_datahora"] != "2019-08-31T02:01:44-04:00" || ms["transacao_validade_datahora"] != "2019-08-31T03:01:44-03:00" ||
		ms["valor_total"] != "10.5" || mm["valor_total"] != "10.5" {
		t.Fatalf("sp reply %v, manaus reply %v", ms, mm)
	}
}

func TestOSA(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clock.Set(entry)
	mine, err := e.svc.Partners.HandleEventFrom(e.ctx, "osa", gate.EventInput{LotCode: "shop", ID: "o-1", Type: park.EventEntry,
		Plate: "ABC1234", Lane: "in-1", At: entry})
	if err != nil {
		t.Fatal(err)
	}
	theirs := e.enter(t, "shop", "o-2", "DEF5678", entry)
	e.clock.Set(entry.Add(30 * time.Minute))

	t.Run("Inside", func(t *testing.T) {
		// 30 min inside, under shopTariff's first hour: R$ 10,50.
		r := e.get("/api/estadias?parceiro_id=osa&localizador=" + mine.Locator)
		const wantBody = `{"movimento":{"documento":"%s","status":"ABERTO","entrada_datahora":"2019-08-31T01:26:44-03:00","valor_total":"10.5"}}`
		if got := strings.TrimSpace(string(want(t, r, 200)["movimento"].(map[string]any)["status"].(string))); got != "ABERTO" ||
			strings.TrimSpace(string(r.body)) != fmt.Sprintf(wantBody, mine.Locator) {
			t.Fatalf("got %s", r.body)
		}
	})
	t.Run("ErrByPlate", func(t *testing.T) {
		// A valid plate, or not: the OSA partner is told to send the
		// locator, not how to write a plate.
		for _, p := range []string{"ABC1234", "%21%21"} {
			m := wantError(t, e.get("/api/estadias?parceiro_id=osa&placa="+p), 400, "invalid")
			if m["campo"] != "placa" ||
				m["detalhe"] != "parceiros do tipo OSA consultam apenas por localizador; envie o localizador da estadia, sem placa" {
				t.Fatalf("placa %s: %v", p, m)
			}
		}
		// Another partner with a malformed plate is told, in Portuguese,
		// why and its shape, naming what is wanted: ABC12 has 5
		// characters, a plate 7; the 4th of ABCD234 is a letter where a
		// digit goes; 1234567 starts with a digit where a letter goes;
		// ! is neither letter nor digit. 123456 and 12345678 have 6 and 8.
		for p, why := range map[string]string{
			"%21%21":   `o caractere "!" não é permitido nessa posição, onde vai uma letra ou um dígito`,
			"ABC12":    "a placa tem 5 caracteres, deveria ter 7",
			"ABCD234":  `o caractere "D" não é permitido nessa posição, onde vai um dígito`,
			"1234567":  `o caractere "1" não é permitido nessa posição, onde vai uma letra`,
			"123456":   "a placa tem 6 caracteres, deveria ter 7",
			"12345678": "a placa tem 8 caracteres, deveria ter 7",
		} {
			m := wantError(t, e.get("/api/estadias?placa="+p), 400, "invalid")
			if want := why + "; envie a placa no formato antigo (ABC1234) ou Mercosul (ABC1D23)"; m["campo"] != "placa" || m["detalhe"] != want {
				t.Fatalf("a normal partner's malformed plate %s: %v, want detalhe %q", p, m, want)
			}
		}
	})
	t.Run("ErrNotItsEntry", func(t *testing.T) {
		wantError(t, e.get("/api/estadias?parceiro_id=osa&localizador="+theirs.Locator), 404, "not_found")
	})
	t.Run("AfterDiscount", func(t *testing.T) {
		// No desconto beside it (docs/linkc.md): R$ 10,50 less a R$ 2,00 coupon.
		if _, err := e.svc.Billing.IssueCoupon(e.ctx, billing.CouponInput{LotCode: "shop", ID: "C-osa", Plate: "ABC1234",
			Kind: park.CouponAmount, Value: 200, ValidFrom: entry, ValidTo: entry.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		m := want(t, e.get("/api/estadias?parceiro_id=osa&localizador="+mine.Locator), 200)["movimento"].(map[string]any)
		if m["valor_total"] != "8.5" || m["desconto"] != nil {
			t.Fatalf("movimento %v: want valor_total 8.5 and no desconto", m)
		}
	})
	t.Run("ErrLotNotAllowed", func(t *testing.T) {
		if _, err := e.svc.Partners.HandleEventFrom(e.ctx, "osa", gate.EventInput{LotCode: "sp", ID: "o-3", Type: park.EventEntry,
			Plate: "GHI1234", Lane: "in-1", At: e.clock.Now()}); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("entry in a lot the partner may not use: %v", err)
		}
	})
}

// lookup returns a fresh transaction for a stay and its amount due.
func lookup(t *testing.T, e *env, query string) (string, string) {
	t.Helper()
	r := e.get("/api/estadias?" + query)
	m := want(t, r, 200)
	for _, v := range m {
		v := v.(map[string]any)
		tx, _ := v["transacao"].(string)
		if tx == "" {
			t.Fatalf("no transacao: %s", r.body)
		}
		return tx, v["valor_devido"].(string)
	}
	t.Fatalf("empty reply")
	return "", ""
}

func payBody(tx, valor string) string {
	return `{"transacao_id":"` + tx + `","valor":"` + valor + `","forma_pagamento":"CREDITO","documento_fiscal":"123.456.789-09"}`
}

func TestPayment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "p-1", "ABC1234", entry)
	e.clock.Set(entry.Add(90 * time.Minute))

	t.Run("ErrExpired", func(t *testing.T) {
		tx, due := lookup(t, e, "localizador="+d.Locator)
		e.clock.Set(e.clock.Now().Add(301 * time.Second))
		m := wantError(t, e.post("/api/estadias/pagamentos", payBody(tx, due)), 410, "quote_expired")
		// Looked up at 02:56:44, valid 300 s: expired at 03:01:44 -03:00.
		if !strings.Contains(m["mensagem"].(string), "nova consulta") ||
			m["detalhe"] != "a transação expirou em 2019-08-31T03:01:44-03:00; faça uma nova consulta" {
			t.Fatalf("reply %v", m)
		}
	})
	t.Run("ErrBadAmount", func(t *testing.T) {
		tx, _ := lookup(t, e, "localizador="+d.Locator)
		wantError(t, e.post("/api/estadias/pagamentos", payBody(tx, "10.001")), 400, "invalid")
		wantError(t, e.post("/api/estadias/pagamentos", payBody(tx, "10,50")), 400, "invalid")
		wantError(t, e.post("/api/estadias/pagamentos", payBody(tx, "1e3")), 400, "invalid")
		// 1 h 35 min under spTariff: R$ 5,50 + R$ 5,00 due.
		m := wantError(t, e.post("/api/estadias/pagamentos", payBody(tx, "9.99")), 422, "amount_mismatch")
		if m["campo"] != "valor" || m["detalhe"] != "o valor devido desta transação é 10.5" {
			t.Fatalf("reply %v", m)
		}
		wantError(t, e.post("/api/estadias/pagamentos", `{"transacao_id":"`+tx+`","forma_pagamento":"PIX"}`), 400, "invalid")
		wantError(t, e.post("/api/estadias/pagamentos", `{"transacao_id":"`+tx+`","valor":"10.5","forma_pagamento":""}`), 400, "invalid")
		wantError(t, e.post("/api/estadias/pagamentos", `{"transacao_id":"`+tx+`","valor":"10.5","forma_pagamento":"PIX","documento_fiscal":"12"}`), 400, "invalid")
	})
	t.Run("ErrUnknownTransaction", func(t *testing.T) {
		wantError(t, e.post("/api/estadias/pagamentos", payBody("00000000-0000-4000-8000-000000000000", "1.0")), 404, "not_found")
	})
	t.Run("ErrOtherPartnersTransaction", func(t *testing.T) {
		tx, due := lookup(t, e, "localizador="+d.Locator)
		bia := e.login(t, "bia", password)
		r := e.do("POST", "/api/estadias/pagamentos", payBody(tx, due), "Authorization", "Bearer "+bia)
		wantError(t, r, 404, "not_found")
	})
	t.Run("PaysOnceAndReplays", func(t *testing.T) {
		tx, due := lookup(t, e, "placa=ABC1234")
		// Entered 01:26:44, looked up 03:01:45 (1 h 35 min): first hour
		// R$ 5,50 + one started hour R$ 5,00.
		if due != "10.5" {
			t.Fatalf("due %s, want 10.5 (5.5 first hour + 5.0)", due)
		}
		r1 := e.post("/api/estadias/pagamentos", `{"transacao_id":"`+tx+`","valor":10.50,"forma_pagamento":"credito","cartao_credito":{"token":"tok_abc"}}`)
		p1 := want(t, r1, 200)["pagamento"].(map[string]any)
		// Paid at 02:56:44 + 301 s (ErrExpired moved the clock) = 03:01:45,
		// covered for the 15 min exit grace until 03:16:45; but R$ 10,50 is
		// the first hour and the second, so up to 03:26:44 (entry 01:26:44
		// + 2 h) the stay costs what was paid: validade_datahora is the
		// later, 03:26:44, both -03:00 (what a lookup now says, below).
		if p1["valor"] != "10.5" || p1["transacao_id"] != tx || p1["forma_pagamento"] != "CREDITO" ||
			p1["pagamento_datahora"] != "2019-08-31T03:01:45-03:00" || p1["validade_datahora"] != "2019-08-31T03:26:44-03:00" {
			t.Fatalf("payment reply %s", r1.body)
		}
		e.clock.Set(e.clock.Now().Add(10 * time.Minute)) // even after the quote expired
		r2 := e.post("/api/estadias/pagamentos", payBody(tx, due))
		p2 := want(t, r2, 200)["pagamento"].(map[string]any)
		if p2["id"] != p1["id"] || r2.header.Get("Idempotent-Replayed") != "true" || p2["validade_datahora"] != p1["validade_datahora"] {
			t.Fatalf("replay %s (header %q), want the first payment %s", r2.body, r2.header.Get("Idempotent-Replayed"), r1.body)
		}
		// Now nothing is due and the lookup says what the payment said:
		// the end of the time paid for, 03:26:44.
		m := want(t, e.get("/api/estadias?localizador="+d.Locator), 200)["estadia_calculo"].(map[string]any)
		if m["valor_devido"] != "0.0" || m["valor_pago"] != "10.5" || m["validade_datahora"] != "2019-08-31T03:26:44-03:00" {
			t.Fatalf("after paying: %v", m)
		}
		if st, _ := e.svc.Gate.GetStay(e.ctx, d.StayID); st.Paid != 1050 {
			t.Fatalf("stay paid %d, want 1050 once", st.Paid)
		}
	})
}

const pan = "4111111111111111"

func TestCardDataRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "c-1", "ABC1234", entry)
	e.clock.Set(entry.Add(90 * time.Minute))
	tx, due := lookup(t, e, "localizador="+d.Locator)
	bodies := []string{
		`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"CREDITO","cartao_credito":{"numero":"` + pan + `","codigo_seguranca":"123"}}`,
		`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"CREDITO","cartao_credito":{"codigo_seguranca":"123","token":"t"}}`,
		`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"CREDITO","cartao_credito":{"token":"4111 1111 1111 1111"}}`,
		`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"4111-1111-1111-1111"}`,
		`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"CREDITO","numero_cartao":` + pan + `}`,
		`{"transacao_id":"` + pan + `","valor":"` + due + `","forma_pagamento":"CREDITO"}`,
	}
	for i, b := range bodies {
		r := e.post("/api/estadias/pagamentos", b)
		m := wantError(t, r, 422, "card_data")
		if strings.Contains(string(r.body), "4111") || strings.Contains(string(r.body), "123\"") {
			t.Fatalf("body %d: reply echoes card data: %s", i, r.body)
		}
		_ = m
	}
	// A CPF/CNPJ is not card data, even when its digits pass the Luhn check.
	r := e.post("/api/estadias/pagamentos", `{"transacao_id":"`+tx+`","valor":"`+due+`","forma_pagamento":"PIX","documento_fiscal":"00000000000000"}`)
	want(t, r, 200)

	if logs := e.logs.String(); strings.Contains(logs, "4111") {
		t.Fatalf("the card number reached the log:\n%s", logs)
	}
	if st, ok := e.store.(*sqlite.Store); ok {
		if where := findInTables(t, st.ReadDB(), "4111"); where != "" {
			t.Fatalf("the card number was stored in %s", where)
		}
	}
}

// findInTables returns the table holding s in any column, or "".
func findInTables(t *testing.T, db *sql.DB, s string) string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables found", len(tables))
	}
	for _, tb := range tables {
		rows, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if strings.Contains(fmt.Sprint(v), s) || strings.Contains(fmt.Sprintf("%s", v), s) {
					rows.Close()
					return tb
				}
			}
		}
		rows.Close()
	}
	return ""
}

func TestSandbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 3, 10, 15, 0, 0, 0, sp))
	e.token = e.login(t, "ana", password)
	q := "/api/estadias?parceiro_id=sandbox&"

	t.Run("LocatorFoundAndStable", func(t *testing.T) {
		m1 := want(t, e.get(q+"localizador=1234567890"), 200)["estadia_calculo"].(map[string]any)
		e.clock.Set(e.clock.Now().Add(time.Minute))
		m2 := want(t, e.get(q+"localizador=1234567890"), 200)["estadia_calculo"].(map[string]any)
		in, err := time.Parse(time.RFC3339, m1["entrada_datahora"].(string))
		if err != nil || m1["entrada_datahora"] != m2["entrada_datahora"] || in.Nanosecond() != 0 {
			t.Fatalf("entries %v then %v", m1["entrada_datahora"], m2["entrada_datahora"])
		}
		if ago := e.clock.Now().Sub(in); ago < time.Hour || ago > 12*time.Hour+2*time.Minute {
			t.Fatalf("entry %s ago, want 1-12 h", ago)
		}
		// Another environment derives the same entry from the same locator.
		e2 := newEnv(t)
		e2.clock.Set(time.Date(2026, 3, 10, 15, 0, 0, 0, sp))
		e2.token = e2.login(t, "ana", password)
		m3 := want(t, e2.get(q+"localizador=1234567890"), 200)["estadia_calculo"].(map[string]any)
		if m3["entrada_datahora"] != m1["entrada_datahora"] {
			t.Fatalf("entry %v elsewhere, want %v", m3["entrada_datahora"], m1["entrada_datahora"])
		}
		other := want(t, e.get(q+"localizador=5555"), 200)["estadia_calculo"].(map[string]any)
		if other["entrada_datahora"] == m1["entrada_datahora"] {
			t.Fatal("two locators got the same entry time")
		}
	})
	t.Run("ErrNine", func(t *testing.T) {
		wantError(t, e.get(q+"localizador=9123456789"), 404, "not_found")
		wantError(t, e.get(q+"localizador=9"), 404, "not_found")
	})
	t.Run("PlateFound", func(t *testing.T) {
		m := want(t, e.get(q+"placa=BRA2E19"), 200)["permanencia"].(map[string]any)
		if m["placa"] != "BRA2E19" || m["transacao"] == nil {
			t.Fatalf("got %v", m)
		}
		m2 := want(t, e.get(q+"placa=bra-2e19"), 200)["permanencia"].(map[string]any)
		if m2["entrada_datahora"] != m["entrada_datahora"] {
			t.Fatal("the same plate got another entry time")
		}
	})
	t.Run("ErrZ", func(t *testing.T) {
		wantError(t, e.get(q+"placa=ZZZ1234"), 404, "not_found")
	})
	t.Run("PayableEndToEnd", func(t *testing.T) {
		tx, due := lookup(t, e, "parceiro_id=sandbox&localizador=4242")
		r := e.post("/api/estadias/pagamentos?parceiro_id=sandbox", payBody(tx, due))
		want(t, r, 200)
		m := want(t, e.get(q+"localizador=4242"), 200)["estadia_calculo"].(map[string]any)
		if m["valor_devido"] != "0.0" || m["valor_pago"] != due {
			t.Fatalf("after paying %s: %v", due, m)
		}
	})
}

// TestValidityInFreeMinutes: a car still inside the garage's tolerância
// (15 free minutes, then spTariff's hours billed from entry) is told when
// it ends, not the look-up time. In at 01:26:44, looked up at 01:31:44:
// a stay of at most 15:00 is free, so validade_datahora is 01:26:44 +
// 15 min = 01:41:44, in São Paulo's -03:00.
func TestValidityInFreeMinutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.admin(t, "POST", "/v1/lots", `{"code":"tol","name":"Garagem tol","timezone":"America/Sao_Paulo","currency":"BRL","capacity":10,`+
		`"tariff":{"grace_minutes":15,"first":{"minutes":60,"price":550},"every":{"minutes":60,"price":500}}}`, 201)
	e.admin(t, "POST", "/v1/partners", `{"id":"tolapp","name":"Parceiro tol","dialect":"linkc","lots":["tol"]}`, 201)
	e.admin(t, "POST", "/v1/integrators", `{"username":"davi","password":"`+password+`","partners":["tolapp"]}`, 201)
	d := e.enter(t, "tol", "tol-1", "ABC1234", entry)
	e.clock.Set(entry.Add(5 * time.Minute))
	r := e.do("GET", "/api/estadias?localizador="+d.Locator, "", "Authorization", "Bearer "+e.login(t, "davi", password))
	m := want(t, r, 200)["estadia_calculo"].(map[string]any)
	if m["valor_devido"] != "0.0" || m["validade_datahora"] != "2019-08-31T01:41:44-03:00" {
		t.Fatalf("got %s, want valor_devido 0.0 and validade_datahora 2019-08-31T01:41:44-03:00", r.body)
	}
	if _, ok := m["transacao"]; ok {
		t.Fatalf("transacao present with nothing due: %s", r.body)
	}
}

// TestPaymentValidityIsTheLookups: the payment reply's validade_datahora
// is what a lookup at the same instant says. In at 01:26:44, looked up
// and paid at 01:36:44 (10 min: spTariff's first hour, R$ 5,50): the
// payment's own grace ends 01:36:44 + 15 min = 01:51:44, but the R$ 5,50
// paid the whole first hour, so up to 02:26:44 (01:26:44 + 1 h) leaving
// owes nothing more (a second later it is R$ 10,50). Both say 02:26:44.
func TestPaymentValidityIsTheLookups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "v-1", "ABC1234", entry)
	e.clock.Set(entry.Add(10 * time.Minute))
	tx, due := lookup(t, e, "localizador="+d.Locator)
	if due != "5.5" {
		t.Fatalf("due %s, want 5.5 (the first hour)", due)
	}
	p := want(t, e.post("/api/estadias/pagamentos", payBody(tx, due)), 200)["pagamento"].(map[string]any)
	if p["pagamento_datahora"] != "2019-08-31T01:36:44-03:00" || p["validade_datahora"] != "2019-08-31T02:26:44-03:00" {
		t.Fatalf("payment reply %v, want paid 01:36:44 and valid until 02:26:44", p)
	}
	m := want(t, e.get("/api/estadias?localizador="+d.Locator), 200)["estadia_calculo"].(map[string]any)
	if m["valor_devido"] != "0.0" || m["validade_datahora"] != p["validade_datahora"] {
		t.Fatalf("lookup %v, want nothing due and the payment's validade_datahora %v", m, p["validade_datahora"])
	}
}
