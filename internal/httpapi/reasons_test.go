package httpapi_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestProblemReasons: a problem names the rule that refused the input
// (reason) and its numbers (params), so a client tells apart two refusals
// of the same code and field without reading the English detail.
func TestProblemReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/price-standards", seedStandardJSON), 201)
	e.want(e.do("POST", "/v1/chargers", `{"id":"CAB-0001","lot_code":"140123001","family":0,"type":"cabinet-10","connectors":10,
		"standard_id":19464,"password":"0123456789abcdef"}`), 201)

	check := e.wantReason

	// The charger is recorded offline (it never connected): 409 on
	// charger_id, because it cannot be reached, and no session is made.
	start := `{"charger_id":"CAB-0001","connector":1,"prepaid":300}`
	check("offline", e.do("POST", "/v1/charging/sessions", start), 409, "conflict", "charger_id", "not_connected")

	// A connector the 10-connector cabinet does not have: range 1..10.
	check("connector 11", e.do("POST", "/v1/charging/sessions", `{"charger_id":"CAB-0001","connector":11,"prepaid":300}`),
		400, "invalid", "connector", "range", "1", "10")

	// Out of service is another 409 on the same field, with no reason: a
	// client must not take it for an offline charger.
	e.want(e.do("PATCH", "/v1/chargers/CAB-0001", `{"availability":"inoperative"}`), 200)
	check("inoperative", e.do("POST", "/v1/charging/sessions", start), 409, "conflict", "charger_id", "")

	// Tariff bands: 08:00-20:00 and 19:00-08:00 overlap from 19:00;
	// 08:00-20:00 and 21:00-08:00 leave 20:00-21:00 uncovered.
	band := func(name, from, to string) string {
		return fmt.Sprintf(`{"name":%q,"from":%q,"to":%q,"every":{"minutes":30,"price":200}}`, name, from, to)
	}
	tariff := func(a, b string) string { return `{"bands":[` + a + `,` + b + `]}` }
	before := e.do("GET", "/v1/lots/140123001/tariff", "").body
	check("overlap", e.do("PUT", "/v1/lots/140123001/tariff", tariff(band("day", "08:00", "20:00"), band("night", "19:00", "08:00"))),
		400, "invalid", "tariff.bands[1]", "overlap", "19:00")
	check("gap", e.do("PUT", "/v1/lots/140123001/tariff", tariff(band("day", "08:00", "20:00"), band("night", "21:00", "08:00"))),
		400, "invalid", "tariff.bands", "gap", "20:00", "21:00")
	// A price below 0: range 0..1000000000000 (docs/tariffs.md).
	check("price", e.do("PUT", "/v1/lots/140123001/tariff", `{"every":{"minutes":30,"price":-5}}`),
		400, "invalid", "tariff.every.price", "range", "0", "1000000000000")
	if after := e.do("GET", "/v1/lots/140123001/tariff", "").body; string(after) != string(before) {
		t.Fatal("a refused tariff changed the lot's")
	}

	// A plate one character short: the plate package's kind of refusal,
	// with the length read and the length wanted (浙A1234: 6 of 7–8).
	check("plate", e.do("POST", "/v1/lots/140123001/events", event("cam-1", "entry", "浙A1234", t0)),
		400, "invalid", "plate", "plate_length", "6", "7–8")
	// No letter or digit, on this CNY lot: the character refused and
	// what its place wants (a letter or digit), not a Brazilian plate's
	// length 7.
	bang := e.do("POST", "/v1/lots/140123001/events", event("cam-2", "entry", "!!!", t0))
	check("plate !!!", bang, 400, "invalid", "plate", "plate_character", "!", "letter_or_digit")
	if p := e.problem(bang, 400, "invalid"); strings.Contains(fmt.Sprint(p), "Brazil") {
		t.Errorf("a CNY lot's refusal names Brazil: %v", p)
	}
	// Seven digits: a plate without a province character starts with
	// three letters, so the 1 stands where a letter is wanted. The
	// native API keeps the core's English, with the reason and params a
	// client words in its own language.
	digits := e.do("POST", "/v1/lots/140123001/events", event("cam-3", "entry", "1234567", t0))
	check("plate 1234567", digits, 400, "invalid", "plate", "plate_character", "1", "letter")
	if p := e.problem(digits, 400, "invalid"); p["detail"] != "plate: a Brazilian plate starts with three letters, not '1'" {
		t.Errorf("1234567: detail %q, want the core's English", p["detail"])
	}

	// A field the body does not take: unknown, with no numbers.
	check("unknown field", e.do("POST", "/v1/charging/sessions", `{"charger_id":"CAB-0001","connector":1,"colour":"red"}`),
		400, "invalid", "colour", "unknown")
}

// wantReason checks a problem's status, code, field (none when field is
// ""), reason and params (none when reason is "" or no params are given).
func (e *env) wantReason(name string, r reply, status int, code, field, reason string, params ...string) {
	t := e.t
	t.Helper()
	p := e.problem(r, status, code)
	if got, has := p["field"]; got != field && (field != "" || has) {
		t.Errorf("%s: field %v, want %s", name, p["field"], field)
	}
	got, has := p["reason"]
	switch {
	case reason == "" && has:
		t.Errorf("%s: reason %v, want none", name, got)
	case reason != "" && got != reason:
		t.Errorf("%s: reason %v, want %s: %v", name, got, reason, p)
	}
	var gotParams []string
	raw, has := p["params"].([]any)
	if p["params"] != nil && !has {
		t.Errorf("%s: params %v, want a list", name, p["params"])
	}
	for _, v := range raw {
		gotParams = append(gotParams, fmt.Sprint(v))
	}
	if len(params) == 0 && p["params"] != nil {
		t.Errorf("%s: params %v, want none", name, p["params"])
	}
	if !slices.Equal(gotParams, params) {
		t.Errorf("%s: params %q, want %q", name, gotParams, params)
	}
}
