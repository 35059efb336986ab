package linkc_test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAmountMismatchInReais: the 422 says the amount due in reais, as the
// lookup wrote it, about Linkc's field valor.
func TestAmountMismatchInReais(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "am-1", "ABC1234", entry)
	// Entered 01:26:44, looked up 02:56:44 (90 min): spTariff's first hour
	// R$ 5,50 (to 02:26:44) + one started hour R$ 5,00 = R$ 10,50.
	e.clock.Set(entry.Add(90 * time.Minute))
	tx, due := lookup(t, e, "localizador="+d.Locator)
	if due != "10.5" {
		t.Fatalf("valor_devido %s, want 10.5", due)
	}
	r := e.post("/api/estadias/pagamentos", payBody(tx, "9.99"))
	m := wantError(t, r, 422, "amount_mismatch")
	if m["campo"] != "valor" || m["detalhe"] != "o valor devido desta transação é 10.5" {
		t.Fatalf("got %s", r.body)
	}
	golden(t, "erro_valor.json", r.body)
	// The amount due is paid as told.
	want(t, e.post("/api/estadias/pagamentos", payBody(tx, "10.5")), 200)
}

// TestQuoteExpiredInGarageOffset: the 410 gives the expiry with the
// garage's own offset; Manaus (-04:00) proves it is not São Paulo's.
func TestQuoteExpiredInGarageOffset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// entry is 01:26:44 in São Paulo, 00:26:44 in Manaus.
	d := e.enter(t, "manaus", "ex-1", "ABC1234", entry)
	// Looked up 90 min later, 01:56:44 -04:00: R$ 5,50 + R$ 5,00 = 10.5
	// due; the transaction lives the lot's 300 s, to 02:01:44 -04:00.
	e.clock.Set(entry.Add(90 * time.Minute))
	r := e.get("/api/estadias?localizador=" + d.Locator)
	m := want(t, r, 200)["estadia_calculo"].(map[string]any)
	if m["entrada_datahora"] != "2019-08-31T00:26:44-04:00" || m["valor_devido"] != "10.5" ||
		m["transacao_validade_datahora"] != "2019-08-31T02:01:44-04:00" {
		t.Fatalf("lookup %s", r.body)
	}
	e.clock.Set(e.clock.Now().Add(301 * time.Second))
	r = e.post("/api/estadias/pagamentos", payBody(m["transacao"].(string), "10.5"))
	em := wantError(t, r, 410, "quote_expired")
	if em["detalhe"] != "a transação expirou em 2019-08-31T02:01:44-04:00; faça uma nova consulta" {
		t.Fatalf("got %s", r.body)
	}
	golden(t, "erro_transacao_expirada.json", r.body)
}

// english finds English words a Portuguese reply must not hold.
var english = regexp.MustCompile(`(?i)\b(must|required|not found|is|are|the|of|expired|revoked|unknown|malformed|invalid|` +
	`quote|stay|partner|amount|wrong|give|sign|field|body|truncated|empty|larger|holds)\b`)

// coreFields are the core's field names, which Linkc replies never show.
var coreFields = map[string]bool{"locator": true, "plate": true, "partner": true, "amount": true, "quote_id": true,
	"method": true, "token": true, "body": true, "lot": true, "reference": true}

// TestErrorsInPortuguese: every error reply, the core's or the dialect's,
// is worded in Portuguese and names Linkc's fields.
func TestErrorsInPortuguese(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "pt-1", "ABC1234", entry)
	e.clock.Set(entry.Add(90 * time.Minute))
	tx, due := lookup(t, e, "localizador="+d.Locator)
	payTo := func(body string) func() reply {
		return func() reply { return e.post("/api/estadias/pagamentos", body) }
	}
	get := func(path string, h ...string) func() reply { return func() reply { return e.get(path, h...) } }
	for _, c := range []struct {
		name   string
		do     func() reply
		status int
		codigo string
		campo  string
	}{
		{"LoginWrongPassword", func() reply {
			return e.do("POST", "/api/autenticacao", `{"usuario":"ana","senha":"errada-123"}`)
		}, 401, "unauthorized", ""},
		// A sign-in without a field is a malformed request, not wrong credentials.
		{"LoginMissingPassword", func() reply { return e.do("POST", "/api/autenticacao", `{"usuario":"ana"}`) }, 400, "invalid", "senha"},
		{"LoginMissingUser", func() reply { return e.do("POST", "/api/autenticacao", `{"senha":"x"}`) }, 400, "invalid", "usuario"},
		{"LoginEmptyUser", func() reply { return e.do("POST", "/api/autenticacao", `{"usuario":"","senha":"x"}`) }, 400, "invalid", "usuario"},
		{"LoginUnknownField", func() reply {
			return e.do("POST", "/api/autenticacao", `{"usuario":"ana","senha":"x","extra":1}`)
		}, 400, "invalid", "extra"},
		{"NoToken", func() reply { return e.do("GET", "/api/parceiros", "") }, 401, "unauthorized", "Authorization"},
		{"UnknownToken", func() reply {
			return e.do("GET", "/api/parceiros", "", "Authorization", "Bearer nao-existe")
		}, 401, "unauthorized", "Authorization"},
		{"OtherVersion", get("/api/parceiros", "Accept", "application/vnd.linkc.com.br; version=2"), 406, "not_acceptable", "Accept"},
		{"NoLocatorNorPlate", get("/api/estadias"), 400, "invalid", "localizador"},
		{"LocatorAndPlate", get("/api/estadias?localizador=1&placa=ABC1234"), 400, "invalid", "localizador"},
		{"LocatorTwice", get("/api/estadias?localizador=1&localizador=2"), 400, "invalid", "localizador"},
		{"BadLocator", get("/api/estadias?localizador=12-34"), 400, "invalid", "localizador"},
		{"BadPlate", get("/api/estadias?placa=not-a-plate!"), 400, "invalid", "placa"},
		{"BadQuery", get("/api/estadias?localizador=%zz"), 400, "invalid", "query"},
		{"NotTheUsersPartner", get("/api/estadias?parceiro_id=other&localizador=" + d.Locator), 400, "invalid", "parceiro_id"},
		{"OSAByPlate", get("/api/estadias?parceiro_id=osa&placa=ABC1234"), 400, "invalid", "placa"},
		{"LocatorNotInside", get("/api/estadias?localizador=1111111111"), 404, "not_found", "localizador"},
		{"PlateNotInside", get("/api/estadias?placa=XYZ9876"), 404, "not_found", "placa"},
		{"EmptyBody", payTo(``), 400, "invalid", "corpo"},
		{"MalformedBody", payTo(`{"transacao_id":`), 400, "invalid", "corpo"},
		{"NotAnObject", payTo(`[]`), 400, "invalid", "corpo"},
		{"TwoObjects", payTo(`{} {}`), 400, "invalid", "corpo"},
		// null decodes into nothing: it is no object, not one without fields.
		{"NullBody", payTo(`null`), 400, "invalid", "corpo"},
		{"NullLogin", func() reply { return e.do("POST", "/api/autenticacao", `null`) }, 400, "invalid", "corpo"},
		// Latin-1, not UTF-8 ("São"): refused, not kept as "S\uFFFDo".
		{"NotUTF8", payTo(`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"PIX","token":"S` + "\xe3" + `o"}`),
			400, "invalid", "corpo"},
		{"UnknownField", payTo(`{"transacao":"x"}`), 400, "invalid", "transacao"},
		{"WrongType", payTo(`{"transacao_id":1}`), 400, "invalid", "transacao_id"},
		{"NoTransaction", payTo(`{"valor":"10.5","forma_pagamento":"PIX"}`), 400, "invalid", "transacao_id"},
		{"NoMethod", payTo(`{"transacao_id":"` + tx + `","valor":"10.5"}`), 400, "invalid", "forma_pagamento"},
		{"BadDocument", payTo(`{"transacao_id":"` + tx + `","valor":"10.5","forma_pagamento":"PIX","documento_fiscal":"12"}`),
			400, "invalid", "documento_fiscal"},
		{"NoAmount", payTo(`{"transacao_id":"` + tx + `","forma_pagamento":"PIX"}`), 400, "invalid", "valor"},
		{"AmountComma", payTo(payBody(tx, "10,50")), 400, "invalid", "valor"},
		{"AmountTooPrecise", payTo(payBody(tx, "10.001")), 400, "invalid", "valor"},
		{"AmountExponent", payTo(payBody(tx, "1e3")), 400, "invalid", "valor"},
		{"AmountMismatch", payTo(payBody(tx, "9.99")), 422, "amount_mismatch", "valor"},
		{"UnknownTransaction", payTo(payBody("00000000-0000-4000-8000-000000000000", due)), 404, "not_found", "transacao_id"},
		{"CardData", payTo(`{"transacao_id":"` + tx + `","valor":"` + due + `","forma_pagamento":"CREDITO","cartao_credito":{"numero":"` +
			pan + `"}}`), 422, "card_data", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.do()
			m := wantError(t, r, c.status, c.codigo)
			detalhe, _ := m["detalhe"].(string)
			campo, _ := m["campo"].(string)
			switch {
			case detalhe == "":
				t.Fatalf("no detalhe: %s", r.body)
			case english.MatchString(detalhe) || english.MatchString(m["mensagem"].(string)):
				t.Fatalf("English in the reply (%q): %s", english.FindString(detalhe+" "+m["mensagem"].(string)), r.body)
			case campo != c.campo || coreFields[campo]:
				t.Fatalf("campo %q, want %q: %s", campo, c.campo, r.body)
			}
		})
	}
	// After the payment, the same transaction is settled in Portuguese too.
	want(t, e.post("/api/estadias/pagamentos", payBody(tx, due)), 200)
	r := e.post("/api/estadias/pagamentos", payBody(tx, "5.0"))
	m := wantError(t, r, 422, "idempotency_key")
	if english.MatchString(m["detalhe"].(string)) {
		t.Fatalf("English in the reply: %s", r.body)
	}
	// Replies are read by people, not HTML: "<token>" is not escaped.
	if r := e.do("GET", "/api/parceiros", ""); !strings.Contains(string(r.body), "Bearer <token>") {
		t.Fatalf("reply %s", r.body)
	}
}

// TestSignInLimit: password guesses at a user are limited (10 failed
// attempts, then one a minute): the 11th answers 429 with Retry-After and, in Portuguese, when to try
// again, without checking the password (the right one is refused too).
// A minute later the user signs in.
func TestSignInLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	login := func(pass string) reply {
		return e.do("POST", "/api/autenticacao", `{"usuario":"bia","senha":"`+pass+`"}`)
	}
	for i := range 10 {
		wantError(t, login("errada-"+string(rune('a'+i))), 401, "unauthorized")
	}
	r := login(password)
	m := wantError(t, r, 429, "rate_limited")
	at := e.clock.Now().Add(time.Minute).UTC().Format("2006-01-02T15:04:05-07:00")
	if r.header.Get("Retry-After") != "60" || m["detalhe"] != "muitas tentativas de autenticação; tente novamente a partir de "+
		strings.Replace(at, "Z", "+00:00", 1)+" (veja o cabeçalho Retry-After)" {
		t.Fatalf("Retry-After %q: %s", r.header.Get("Retry-After"), r.body)
	}
	golden(t, "erro_muitas_tentativas.json", r.body)
	// Other users sign in as before.
	e.login(t, "ana", password)
	e.clock.Set(e.clock.Now().Add(time.Minute))
	e.login(t, "bia", password)
}

// TestUnknownRoutes: under /api/, a path that is no Linkc route answers
// 404 and a route asked with another method 405 (with Allow), both in
// Linkc's error shape and in Portuguese, never the mux's plain text.
func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []struct {
		method, path string
		status       int
		codigo       string
		allow        string
	}{
		{"GET", "/api/nada", 404, "not_found", ""},
		{"POST", "/api/estadias/123", 404, "not_found", ""},
		{"POST", "/api", 404, "not_found", ""}, // not redirected to /api/
		// A path the mux would clean is not redirected with its English
		// "Moved Permanently": it is no route either.
		{"GET", "/api//parceiros", 404, "not_found", ""},
		{"GET", "/api/x//y", 404, "not_found", ""},
		{"POST", "/api/./autenticacao", 404, "not_found", ""},
		{"GET", "/api/../v1/lots", 404, "not_found", ""},
		{"GET", "/api/autenticacao", 405, "method_not_allowed", "POST"},
		{"DELETE", "/api/estadias", 405, "method_not_allowed", "GET, HEAD"},
	} {
		t.Run(c.method+c.path, func(t *testing.T) {
			r := e.do(c.method, c.path, "")
			m := wantError(t, r, c.status, c.codigo)
			if r.header.Get("Allow") != c.allow || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") ||
				english.MatchString(m["detalhe"].(string)+" "+m["mensagem"].(string)) {
				t.Fatalf("Allow %q, %s", r.header.Get("Allow"), r.body)
			}
		})
	}
}

// TestOtherCurrencyRefused: a stay in a garage that prices in another
// currency (a partner set up before the core refused such a garage to a
// Linkc partner) is answered with an error in Portuguese, never with its
// amounts written as reais.
func TestOtherCurrencyRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.admin(t, "POST", "/v1/lots", `{"code":"cn","name":"Garagem cn","timezone":"Asia/Shanghai","currency":"CNY","capacity":10,`+
		`"tariff":`+spTariff+`}`, 201)
	e.admin(t, "POST", "/v1/partners", `{"id":"cnapp","name":"Parceiro cn","dialect":"linkc","lots":["cn"]}`, 201)
	e.admin(t, "POST", "/v1/integrators", `{"username":"caio","password":"`+password+`","partners":["cnapp"]}`, 201)
	d := e.enter(t, "cn", "cn-1", "ABC1234", entry)
	e.clock.Set(entry.Add(90 * time.Minute))
	r := e.do("GET", "/api/estadias?localizador="+d.Locator, "", "Authorization", "Bearer "+e.login(t, "caio", password))
	m := wantError(t, r, 409, "currency_not_brl")
	if m["mensagem"] != "a garagem não cobra em reais" || !strings.Contains(m["detalhe"].(string), "cobra em CNY") ||
		strings.Contains(string(r.body), `"valor_`) {
		t.Fatalf("got %s", r.body)
	}
}
