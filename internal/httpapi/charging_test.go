package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

const seedStandardJSON = `{"id":19464,"name":"固定金额-1元240分钟","family":0,"rules":{"kind":"time","max_minutes":960,
	"payment":"prepaid","refund_to":"payment","segments":[{"from":"00:00","to":"24:00","price":100,"block_minutes":240}]}}`

// TestChargersAndStandards: an operator publishes a standard, registers a
// cabinet on it, changes and retires it; bad input names its field and
// changes nothing.
func TestChargersAndStandards(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	st := e.want(e.do("POST", "/v1/price-standards", seedStandardJSON), 201)
	if st["id"] != float64(19464) || st["display"] != "time" || st["created_at"] == "" {
		t.Fatalf("standard %v", st)
	}
	car := e.want(e.do("POST", "/v1/price-standards", `{"name":"car","family":1,"rules":{"kind":"energy","payment":"balance",
		"refund_to":"balance","segments":[{"from":"00:00","to":"24:00","price":120}]}}`), 201)
	if car["id"] != float64(19465) || car["display"] != "energy" {
		t.Fatalf("second standard %v (want the next id and energy display)", car)
	}
	list := e.want(e.do("GET", "/v1/price-standards?family=0", ""), 200)
	if list["total"] != float64(1) || len(list["price_standards"].([]any)) != 1 {
		t.Fatalf("family 0 list %v", list)
	}
	list = e.want(e.do("GET", "/v1/price-standards?limit=1&offset=1", ""), 200)
	if list["total"] != float64(2) || list["price_standards"].([]any)[0].(map[string]any)["name"] != "car" {
		t.Fatalf("page 2 %v", list)
	}

	cab := `{"id":"CAB-0001","lot_code":"140123001","family":0,"type":"cabinet-10","connectors":10,"standard_id":19464,
		"password":"0123456789abcdef"}`
	c := e.want(e.do("POST", "/v1/chargers", cab), 201)
	if c["availability"] != "operative" || c["online"] != false || c["last_heartbeat"] != nil || c["connectors"] != float64(10) {
		t.Fatalf("charger %v", c)
	}
	if _, leaked := c["password"]; leaked {
		t.Fatal("the password came back")
	}
	e.problem(e.do("POST", "/v1/chargers", cab), 409, "conflict")

	before := e.do("GET", "/v1/chargers", "").body
	for _, b := range []struct{ body, field string }{
		{`{"id":"has space","lot_code":"140123001","family":0,"connectors":1,"standard_id":19464,"password":"0123456789abcdef"}`, "id"},
		{`{"id":"X","lot_code":"140123001","family":0,"connectors":1,"standard_id":19464,"password":"short"}`, "password"},
		{`{"id":"X","lot_code":"140123001","family":1,"connectors":3,"standard_id":19465,"password":"0123456789abcdef"}`, "connectors"},
		{`{"id":"X","lot_code":"140123001","family":1,"connectors":1,"standard_id":19464,"password":"0123456789abcdef"}`, "standard_id"},
		{`{"id":"X","lot_code":"nope","family":0,"connectors":1,"standard_id":19464,"password":"0123456789abcdef"}`, "lot_code"},
		{`{"id":"X","lot_code":"140123001","connectors":1,"standard_id":19464,"password":"0123456789abcdef"}`, "family"},
	} {
		p := e.problem(e.do("POST", "/v1/chargers", b.body), 400, "invalid")
		if p["field"] != b.field {
			t.Errorf("%s: field %v, want %s", b.body, p["field"], b.field)
		}
	}
	if after := e.do("GET", "/v1/chargers", "").body; string(after) != string(before) {
		t.Fatal("a refused charger changed the list")
	}

	// A session asked for natively: the charger is recorded online but no
	// connection reaches this server, so it waits (pending) until stopped,
	// which fails it and refunds the 3 yuan in full.
	e.online("CAB-0001")
	x := e.want(e.do("POST", "/v1/charging/sessions", `{"charger_id":"CAB-0001","connector":1,"prepaid":300}`), 201)
	if x["status"] != "pending" || len(x["id"].(string)) != 20 {
		t.Fatalf("session %v", x)
	}
	e.problem(e.do("POST", "/v1/charging/sessions", `{"charger_id":"CAB-0001","connector":1,"prepaid":300}`), 409, "conflict")
	if p := e.problem(e.do("POST", "/v1/charging/sessions", `{"charger_id":"CAB-0001","connector":2}`), 400, "invalid"); p["field"] != "prepaid" {
		t.Fatalf("a prepaid standard without a prepayment: %v", p)
	}
	list = e.want(e.do("GET", "/v1/charging/sessions?status=pending", ""), 200)
	if list["total"] != float64(1) || list["sessions"].([]any)[0].(map[string]any)["id"] != x["id"] {
		t.Fatalf("pending sessions %v", list)
	}
	x = e.want(e.do("POST", "/v1/charging/sessions/"+x["id"].(string)+"/stop", ""), 200)
	if x["status"] != "failed" || x["refund"] != float64(300) || x["amount"] != float64(0) {
		t.Fatalf("stopped before it started %v", x)
	}
	if p := e.problem(e.do("GET", "/v1/charging/sessions?status=done", ""), 400, "invalid"); p["field"] != "status" {
		t.Fatalf("bad status %v", p)
	}

	// No charger is connected to this server: a command's result says so.
	res := e.want(e.do("POST", "/v1/chargers/CAB-0001/commands", `{"command":"reset","type":"soft"}`), 200)
	if res["status"] != "offline" || res["command"] != "Reset" {
		t.Fatalf("command to an offline charger %v", res)
	}
	if p := e.problem(e.do("POST", "/v1/chargers/CAB-0001/commands", `{"command":"explode"}`), 400, "invalid"); p["field"] != "command" {
		t.Fatalf("unknown command %v", p)
	}
	c = e.want(e.do("GET", "/v1/chargers/CAB-0001", ""), 200)
	if cmds, _ := c["commands"].([]any); len(cmds) != 1 || cmds[0].(map[string]any)["status"] != "offline" {
		t.Fatalf("the recorded command: %v", c["commands"])
	}
	c = e.want(e.do("PATCH", "/v1/chargers/CAB-0001", `{"availability":"inoperative","connectors":12}`), 200)
	if c["availability"] != "inoperative" || c["connectors"] != float64(12) {
		t.Fatalf("patched %v", c)
	}
	e.problem(e.do("DELETE", "/v1/price-standards/19464", ""), 409, "conflict") // the cabinet uses it
	c = e.want(e.do("DELETE", "/v1/chargers/CAB-0001", ""), 200)
	if c["retired"] == nil {
		t.Fatalf("retired %v", c)
	}
	e.problem(e.do("PATCH", "/v1/chargers/CAB-0001", `{"type":"x"}`), 409, "conflict")
	e.want(e.do("DELETE", "/v1/price-standards/19464", ""), 204)
	e.problem(e.do("GET", "/v1/price-standards/19464", ""), 404, "not_found")

	// Rules the model refuses name the rules' field.
	for _, b := range []struct{ rules, field string }{
		{`{"kind":"time","payment":"prepaid","refund_to":"payment","segments":[{"from":"00:00","to":"12:00","price":100,"block_minutes":60}]}`, "rules.segments"},
		{`{"kind":"hours","payment":"prepaid","refund_to":"payment","segments":[]}`, "rules.kind"},
		{`{"kind":"time","payment":"prepaid","refund_to":"payment","segments":[{"from":"25:00","to":"24:00","price":1,"block_minutes":60}]}`, "rules.segments[0].from"},
	} {
		p := e.problem(e.do("POST", "/v1/price-standards", fmt.Sprintf(`{"name":"x","family":0,"rules":%s}`, b.rules)), 400, "invalid")
		if f, _ := p["field"].(string); len(f) < len(b.field) || f[:len(b.field)] != b.field {
			t.Errorf("%s: field %v, want %s...", b.rules, p["field"], b.field)
		}
	}
}

// TestChargingPreview prices the seed's standard and a peak/valley energy
// standard by hand.
func TestChargingPreview(t *testing.T) {
	e := newEnv(t)
	// 250 minutes on 1 yuan per started 240: 2 blocks, 200 fen; 300 paid,
	// 100 back to the payment.
	got := e.want(e.do("POST", "/v1/charging/preview", `{"rules":{"kind":"time","max_minutes":960,"payment":"prepaid",
		"refund_to":"payment","segments":[{"from":"00:00","to":"24:00","price":100,"block_minutes":240}]},
		"timezone":"Asia/Shanghai","start":"2026-11-23T10:00:00+08:00","end":"2026-11-23T14:10:00+08:00","prepaid":300}`), 200)
	if got["amount"] != float64(200) || got["refund"] != float64(100) || got["refund_to"] != "payment" || got["minutes_billed"] != float64(250) {
		t.Fatalf("seed preview %v", got)
	}
	// The same 250 minutes with nothing prepaid (a driver's tag at the
	// charger) are billed by use, as such a session is: 200, no refund.
	got = e.want(e.do("POST", "/v1/charging/preview", `{"rules":{"kind":"time","max_minutes":960,"payment":"prepaid",
		"refund_to":"payment","segments":[{"from":"00:00","to":"24:00","price":100,"block_minutes":240}]},
		"timezone":"Asia/Shanghai","start":"2026-11-23T10:00:00+08:00","end":"2026-11-23T14:10:00+08:00"}`), 200)
	if got["amount"] != float64(200) || got["refund"] != float64(0) || len(got["lines"].([]any)) != 1 {
		t.Fatalf("seed preview with nothing prepaid %v", got)
	}
	// 22:30-23:30 at 7 kWh/h: 3.5 kWh flat (60+40) = 350, 3.5 kWh valley
	// (30+40) = 245; 595 in all, 210 + 105 = 315 of it electricity. From a
	// balance the session started with 1000: 1000 - 595 = 405 go back, as
	// a real session's would.
	got = e.want(e.do("POST", "/v1/charging/preview", `{"rules":{"kind":"energy","payment":"balance","refund_to":"balance",
		"segments":[{"from":"23:00","to":"07:00","price":30,"service_fee":40,"period":"valley"},
		{"from":"07:00","to":"23:00","price":60,"service_fee":40,"period":"flat"}]},
		"timezone":"Asia/Shanghai","start":"2026-11-23T22:30:00+08:00","end":"2026-11-23T23:30:00+08:00",
		"readings":[{"at":"2026-11-23T23:30:00+08:00","energy_wh":7000,"power_w":7000}],"prepaid":1000}`), 200)
	lines := got["lines"].([]any)
	if got["amount"] != float64(595) || got["electricity"] != float64(315) || got["refund"] != float64(405) || len(lines) != 2 ||
		lines[0].(map[string]any)["label"] != "flat" || lines[0].(map[string]any)["amount"] != float64(350) ||
		lines[1].(map[string]any)["label"] != "valley" || lines[1].(map[string]any)["amount"] != float64(245) {
		t.Fatalf("energy preview %v", got)
	}
	p := e.problem(e.do("POST", "/v1/charging/preview", `{"rules":{"kind":"energy","payment":"balance","refund_to":"balance",
		"segments":[{"from":"00:00","to":"24:00","price":30}]},"start":"2026-11-23T22:30:00+08:00","end":"2026-11-23T21:30:00+08:00"}`), 400, "invalid")
	if p["field"] != "end" {
		t.Fatalf("end before start: %v", p)
	}
}

// TestStandardFamilyRequired: a price standard's family is required, as
// for a charger: left out (or null) it was taken as 0, a two-wheeler
// standard, which a car charger then could not use. Refused naming
// family, on create and on replace, and nothing is stored or changed.
func TestStandardFamilyRequired(t *testing.T) {
	e := newEnv(t)
	rules := `"rules":{"kind":"energy","payment":"balance","refund_to":"balance","segments":[{"from":"00:00","to":"24:00","price":120}]}`
	for _, body := range []string{`{"name":"car",` + rules + `}`, `{"name":"car","family":null,` + rules + `}`} {
		if p := e.problem(e.do("POST", "/v1/price-standards", body), 400, "invalid"); p["field"] != "family" {
			t.Fatalf("%s: problem %v, want the field family", body, p)
		}
	}
	if l := e.want(e.do("GET", "/v1/price-standards", ""), 200); l["total"] != float64(0) {
		t.Fatalf("a refused standard was stored: %v", l)
	}
	st := e.want(e.do("POST", "/v1/price-standards", `{"name":"car","family":1,`+rules+`}`), 201)
	path := fmt.Sprintf("/v1/price-standards/%v", st["id"])
	if p := e.problem(e.do("PUT", path, `{"name":"car2",`+rules+`}`), 400, "invalid"); p["field"] != "family" {
		t.Fatalf("problem %v, want the field family", p)
	}
	if got := e.want(e.do("GET", path, ""), 200); got["family"] != float64(1) || got["name"] != "car" {
		t.Fatalf("standard %v after a refused replace, want family 1 and name car", got)
	}
}

// TestStandardIDFitsJSON: a standard's id is at most 2^53-1, the largest
// integer every JSON client (JavaScript's numbers) reads exactly. A given
// id of 2^53+1 was stored, and answered as a number a browser read as
// 2^53, another standard's id; the next free ids went past it too.
func TestStandardIDFitsJSON(t *testing.T) {
	e := newEnv(t)
	body := func(id string) string {
		return `{"id":` + id + `,"name":"s","family":0,"rules":{"kind":"time","payment":"balance","refund_to":"payment",
			"segments":[{"from":"00:00","to":"24:00","price":100,"block_minutes":60}]}}`
	}
	for _, id := range []string{"9007199254740992", "9007199254740993", "9223372036854775807"} {
		if p := e.problem(e.do("POST", "/v1/price-standards", body(id)), 400, "invalid"); p["field"] != "id" {
			t.Fatalf("id %s: problem %v, want the field id", id, p)
		}
	}
	if l := e.want(e.do("GET", "/v1/price-standards", ""), 200); l["total"] != float64(0) {
		t.Fatalf("a refused standard was stored: %v", l)
	}
	r := e.do("POST", "/v1/price-standards", body("9007199254740991"))
	if r.status != 201 || !strings.Contains(string(r.body), `"id":9007199254740991,`) {
		t.Fatalf("id 2^53-1: %d %s", r.status, r.body)
	}
}

// TestStartSessionUnknownCharger: a session on a charger that does not
// exist is 404 naming charger_id, as one of a lot a partner may not use
// already was; without it the 404 on POST /v1/charging/sessions read as
// a route that does not exist. Nothing is started.
func TestStartSessionUnknownCharger(t *testing.T) {
	e := newEnv(t)
	p := e.problem(e.do("POST", "/v1/charging/sessions", `{"charger_id":"nope","connector":1}`), 404, "not_found")
	if p["field"] != "charger_id" {
		t.Fatalf("problem %v, want the field charger_id", p)
	}
	if l := e.want(e.do("GET", "/v1/charging/sessions", ""), 200); l["total"] != float64(0) {
		t.Fatalf("sessions %v", l)
	}
}
