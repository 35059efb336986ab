package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestPartnerReasons: a partner or integrator refused names the rule, so
// a client tells a missing id from one with a space in it, or a lot that
// does not exist from one listed twice, without reading the English; and
// a refused partner or integrator is not created.
func TestPartnerReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	partner := func(fields string) string {
		return edited(map[string]string{"id": `"mall"`, "name": `"Mall"`, "dialect": `"api-one"`, "lots": `["140123001"]`}, fields)
	}
	post := func(body string) reply { return e.do("POST", "/v1/partners", body) }
	check := e.wantReason
	before := e.do("GET", "/v1/partners", "").body

	check("id missing", post(partner("id=")), 400, "invalid", "id", "required")
	check("id form", post(partner(`id="a b"`)), 400, "invalid", "id", "format")
	check("name missing", post(partner("name=")), 400, "invalid", "name", "required")
	// PartnerInput: name 1-200 bytes.
	check("name long", post(partner(`name="`+strings.Repeat("n", 201)+`"`)), 400, "invalid", "name", "length", "1", "200")
	check("dialect missing", post(partner("dialect=")), 400, "invalid", "dialect", "required")
	check("dialect unknown", post(partner(`dialect="smoke-signals"`)), 400, "invalid", "dialect", "unknown")
	check("type unknown", post(partner(`type="vip"`)), 400, "invalid", "type", "unknown")
	// secret: 16 to 256 bytes (PartnerInput); sign_mode at most 32, or
	// none for the dialect's default.
	check("secret long", post(partner(`secret="`+strings.Repeat("s", 257)+`"`)), 400, "invalid", "secret", "length", "16", "256")
	check("sign_mode long", post(partner(`sign_mode="`+strings.Repeat("m", 33)+`"`)), 400, "invalid", "sign_mode", "length", "0", "32")
	check("no lots", post(partner("lots=[]")), 400, "invalid", "lots", "required")
	// At most 1000 lots (PartnerInput's maxItems).
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf(`"L%d"`, i)
	}
	check("1001 lots", post(partner("lots=["+strings.Join(many, ",")+"]")), 400, "invalid", "lots", "range", "1", "1000")
	check("lot form", post(partner(`lots=["a b"]`)), 400, "invalid", "lots", "format")
	check("lot twice", post(partner(`lots=["140123001","140123001"]`)), 400, "invalid", "lots", "duplicate")
	check("lot unknown", post(partner(`lots=["140123999"]`)), 400, "invalid", "lots", "unknown")
	// api-brl writes amounts in BRL only (systemtest.Currencies); the
	// lot prices in CNY: the lot's currency, then the dialect's.
	check("lot currency", post(partner(`dialect="api-brl"`)), 400, "invalid", "lots", "currency", "CNY", "BRL")
	// ESC opens a terminal's colour code: "Mall" is bytes 0-3, so ESC is
	// byte 4; a right-to-left override first is byte 0.
	check("name escape", post(partner(`name="Mall\u001b[31m"`)), 400, "invalid", "name", "control_character", "U+001B", "4")
	check("name override", post(partner(`name="\u202eLlam"`)), 400, "invalid", "name", "control_character", "U+202E", "0")
	if after := e.do("GET", "/v1/partners", "").body; string(after) != string(before) {
		t.Fatalf("refused partners changed the list: %s", after)
	}

	// Integrators act for partners that exist.
	e.want(post(partner("")), 201)
	integrator := func(body string) reply { return e.do("POST", "/v1/integrators", body) }
	// Nothing given: the document's first field, username, not password.
	check("empty", integrator(`{}`), 400, "invalid", "username", "required")
	check("username and password missing", integrator(`{"partners":["mall"]}`), 400, "invalid", "username", "required")
	check("username form, password short", integrator(`{"username":"a b","password":"1","partners":["mall"]}`),
		400, "invalid", "username", "format")
	check("username missing", integrator(`{"password":"s3cret-pass","partners":["mall"]}`), 400, "invalid", "username", "required")
	check("username form", integrator(`{"username":"a b","password":"s3cret-pass","partners":["mall"]}`), 400, "invalid", "username", "format")
	check("password missing", integrator(`{"username":"joao","partners":["mall"]}`), 400, "invalid", "password", "required")
	// IntegratorInput: password 8-72 bytes.
	check("password short", integrator(`{"username":"joao","password":"1234567","partners":["mall"]}`),
		400, "invalid", "password", "length", "8", "72")
	check("password long", integrator(`{"username":"joao","password":"`+strings.Repeat("p", 73)+`","partners":["mall"]}`),
		400, "invalid", "password", "length", "8", "72")
	check("no partners", integrator(`{"username":"joao","password":"s3cret-pass","partners":[]}`), 400, "invalid", "partners", "required")
	// At most 100 partners (IntegratorInput's maxItems).
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = fmt.Sprintf(`"p%d"`, i)
	}
	check("101 partners", integrator(`{"username":"joao","password":"s3cret-pass","partners":[`+strings.Join(ids, ",")+`]}`),
		400, "invalid", "partners", "range", "1", "100")
	check("partner form", integrator(`{"username":"joao","password":"s3cret-pass","partners":["a b"]}`), 400, "invalid", "partners", "format")
	check("partner twice", integrator(`{"username":"joao","password":"s3cret-pass","partners":["mall","mall"]}`),
		400, "invalid", "partners", "duplicate")
	check("partner unknown", integrator(`{"username":"joao","password":"s3cret-pass","partners":["cinema"]}`),
		400, "invalid", "partners", "unknown")
	// Two partners: default_partner is required, and must be one of them.
	e.want(post(partner(`id="cinema"`)), 201)
	check("default missing", integrator(`{"username":"joao","password":"s3cret-pass","partners":["mall","cinema"]}`),
		400, "invalid", "default_partner", "required")
	check("default other", integrator(`{"username":"joao","password":"s3cret-pass","partners":["mall","cinema"],"default_partner":"zoo"}`),
		400, "invalid", "default_partner", "unknown")
	// None of them was created: the name is still free.
	e.want(integrator(`{"username":"joao","password":"s3cret-pass","partners":["mall"]}`), 201)
}

// TestCurrencyReasons: a dialect that writes amounts in one currency
// (api-brl: BRL) would read a lot's yuan as reais, so a lot in another
// currency is refused with reason currency and both currencies, the
// lot's first, whether the partner is made or the lot changed; and
// neither changes anything.
func TestCurrencyReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots", `{"code":"SP1","name":"Paulista","timezone":"America/Sao_Paulo","currency":"BRL","capacity":50}`), 201)
	check := e.wantReason
	partners := e.do("GET", "/v1/partners", "").body

	check("CNY lot", e.do("POST", "/v1/partners", `{"id":"br","name":"BR","dialect":"api-brl","lots":["SP1","140123001"]}`),
		400, "invalid", "lots", "currency", "CNY", "BRL")
	if after := e.do("GET", "/v1/partners", "").body; string(after) != string(partners) {
		t.Fatalf("a refused partner changed the list: %s", after)
	}

	e.want(e.do("POST", "/v1/partners", `{"id":"br","name":"BR","dialect":"api-brl","lots":["SP1"]}`), 201)
	lot := e.do("GET", "/v1/lots/SP1", "").body
	check("lot to CNY", e.do("PATCH", "/v1/lots/SP1", `{"currency":"CNY"}`), 400, "invalid", "currency", "currency", "CNY", "BRL")
	if after := e.do("GET", "/v1/lots/SP1", "").body; string(after) != string(lot) {
		t.Fatalf("a refused change changed the lot: %s\nwas %s", after, lot)
	}
}
