package httpapi_test

import (
	"strings"
	"testing"
)

// TestCoreReasons: a refusal by one of the parking core's own rules (a
// coupon's merchant, a plan's slots, a device's address, a space's
// zone ...) names the rule, with the bounds the documents state, so
// a client words it in its own language; it came with no reason at all.
// A refused request changes nothing its list shows.
func TestCoreReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A54321", t0)), 200) // names lane-entry
	e.want(e.do("PUT", "/v1/lots/140123001/spaces", `{"spaces":[{"code":"B1-001","floor":"B1"}]}`), 200)

	const (
		lot      = "/v1/lots/140123001"
		coupons  = lot + "/coupons"
		plans    = lot + "/plans"
		white    = lot + "/whitelist"
		spaces   = lot + "/spaces"
		commands = lot + "/lanes/lane-entry/commands"
		devices  = "/v1/devices"
		users    = "/v1/users"
	)
	coupon := func(fields string) string {
		return edited(map[string]string{"plate": `"京A12345"`, "kind": `"minutes"`, "value": `30`}, fields)
	}
	plan := func(fields string) string {
		return edited(map[string]string{"code": `"night"`, "name": `"Night"`, "price": `100`}, fields)
	}
	entry := func(fields string) string {
		return edited(map[string]string{"plate": `"京B12345"`, "valid_to": `"2027-01-01T00:00:00Z"`}, fields)
	}
	device := func(fields string) string {
		return edited(map[string]string{"serial": `"cam-1"`, "lot": `"140123001"`, "lane": `"in-1"`, "protocol": `"test-http"`}, fields)
	}
	user := func(fields string) string {
		return edited(map[string]string{"name": `"li"`, "role": `"read_only"`, "language": `"zh"`, "password": `"correct horse battery"`}, fields)
	}
	space := func(sp string) string { return `{"spaces":[` + sp + `]}` }
	preview := func(fields string) string {
		return edited(map[string]string{"tariff": `{"every":{"minutes":30,"price":200}}`, "timezone": `"Asia/Shanghai"`, "currency": `"CNY"`,
			"entry": `"2026-11-23T19:00:00+08:00"`, "exit": `"2026-11-23T21:30:00+08:00"`}, fields)
	}
	payment := func(fields string) string {
		return edited(map[string]string{"quote_id": `"q-1"`, "amount": `100`, "method": `"cash"`}, fields)
	}

	for _, c := range []struct {
		name, method, path, body string
		list                     string // what the refusal must leave as it was
		field, reason            string
		params                   []string
	}{
		// CouponInput: merchant maxLength 64; valid_to at most 366 days
		// after valid_from: 2030 has 365 days, so 2031-01-03 is 367.
		{"coupon merchant", "POST", coupons, coupon(`merchant="` + strings.Repeat("m", 65) + `"`), coupons, "merchant", "length", []string{"0", "64"}},
		{"coupon window", "POST", coupons, coupon(`valid_from="2030-01-01T00:00:00Z";valid_to="2031-01-03T00:00:00Z"`), coupons,
			"valid_to", "range", []string{"0", "366"}},
		{"coupon id form", "POST", coupons, coupon(`id="a b"`), coupons, "id", "format", nil},
		// A coupon ending before now (t0, 2026-11-23) is of no use.
		{"coupon passed", "POST", coupons, coupon(`valid_from="2026-01-01T00:00:00Z";valid_to="2026-01-02T00:00:00Z"`), coupons,
			"valid_to", "past", nil},
		// PlanInput: code pattern, name 1-200, price 0 to 10^10, at most 8 slots.
		{"plan code missing", "POST", plans, plan("code="), plans, "code", "required", nil},
		{"plan code form", "POST", plans, plan(`code="a b"`), plans, "code", "format", nil},
		{"plan name long", "POST", plans, plan(`name="` + strings.Repeat("n", 201) + `"`), plans, "name", "length", []string{"1", "200"}},
		{"plan price", "POST", plans, plan("price=10000000001"), plans, "price", "range", []string{"0", "10000000000"}},
		{"plan class", "POST", plans, plan(`vehicle_class="bus"`), plans, "vehicle_class", "unknown", nil},
		{"plan 9 slots", "POST", plans, plan(`slots=[` + strings.TrimSuffix(strings.Repeat(`{"from":"08:00","to":"09:00"},`, 9), ",") + `]`), plans,
			"slots", "range", []string{"0", "8"}},
		{"plan slot form", "POST", plans, plan(`slots=[{"from":"8am","to":"09:00"}]`), plans, "slots", "format", nil},
		{"plan slot empty", "POST", plans, plan(`slots=[{"from":"08:00","to":"08:00"}]`), plans, "slots", "empty", nil},
		// WhitelistInput: kind allow or deny, category "", special or hotel, reason maxLength 200.
		{"whitelist kind", "POST", white, entry(`kind="maybe"`), white, "kind", "unknown", nil},
		{"whitelist category", "POST", white, entry(`category="vip"`), white, "category", "unknown", nil},
		// A window that ended before now (t0, 2026-11-23) is past, not
		// out of order: its end is after its start.
		{"whitelist ended", "POST", white, entry(`valid_from="2025-11-01T00:00:00Z";valid_to="2025-12-01T00:00:00Z"`), white,
			"valid_to", "past", nil},
		{"whitelist reason", "POST", white, entry(`reason="` + strings.Repeat("r", 201) + `"`), white, "reason", "length", []string{"0", "200"}},
		// DeviceInput: serial 1-64 of its characters, starting with a
		// letter or digit; addr maxLength 256, http(s) with a host.
		{"device serial", "POST", devices, device(`serial="-cam"`), devices, "serial", "format", nil},
		{"device kind", "POST", devices, device(`kind="radar"`), devices, "kind", "unknown", nil},
		{"device direction", "POST", devices, device(`direction="up"`), devices, "direction", "unknown", nil},
		{"device addr long", "POST", devices, device(`addr="http://` + strings.Repeat("a", 250) + `"`), devices, "addr", "length", []string{"0", "256"}},
		{"device addr form", "POST", devices, device(`addr="ftp://192.0.2.10"`), devices, "addr", "format", nil},
		// UserInput: name pattern, language en, zh or pt; lots only for a lot_operator.
		{"user name", "POST", users, user(`name="Li Wei"`), users, "name", "format", nil},
		{"user role", "POST", users, user(`role="boss"`), users, "role", "unknown", nil},
		{"user language", "POST", users, user(`language="fr"`), users, "language", "unknown", nil},
		{"user no lots", "POST", users, user(`role="lot_operator"`), users, "lots", "required", nil},
		{"user lots", "POST", users, user(`lots=["140123001"]`), users, "lots", "not_applicable", nil},
		// SpaceInput: floor required, zone at most 32 bytes; codes unique.
		{"space floor", "PUT", spaces, space(`{"code":"B1-002"}`), spaces, "spaces[0].floor", "required", nil},
		{"space zone", "PUT", spaces, space(`{"code":"B1-002","floor":"B1","zone":"` + strings.Repeat("z", 33) + `"}`), spaces,
			"spaces[0].zone", "length", []string{"0", "32"}},
		{"space kind", "PUT", spaces, space(`{"code":"B1-002","floor":"B1","kind":"vip"}`), spaces, "spaces[0].kind", "unknown", nil},
		{"space twice", "PUT", spaces, space(`{"code":"B1-002","floor":"B1"},{"code":"B1-002","floor":"B1"}`), spaces,
			"spaces[1].code", "duplicate", nil},
		// A free space holds no plate: plate excludes occupied false.
		{"report plate free", "POST", spaces + "/reports",
			`{"reports":[{"space":"B1-001","occupied":false,"plate":"京A12345","source":"sensor","at":"2026-11-23T00:59:00Z"}]}`, spaces,
			"reports[0].plate", "excludes", []string{"occupied"}},
		// GateCommandInput: command enum, reason maxLength 256, required for open.
		{"command unknown", "POST", commands, `{"command":"wiggle"}`, commands, "command", "unknown", nil},
		{"command reason long", "POST", commands, `{"command":"open","reason":"` + strings.Repeat("r", 257) + `"}`, commands,
			"reason", "length", []string{"0", "256"}},
		{"command reason missing", "POST", commands, `{"command":"open"}`, commands, "reason", "required", nil},
		// PaymentInput: amount 0 to 10^10 minor units, reference maxLength 128.
		{"payment amount", "POST", "/v1/payments", payment("amount=10000000001"), lot + "/stays", "amount", "range", []string{"0", "10000000000"}},
		{"payment reference", "POST", "/v1/payments", payment(`reference="` + strings.Repeat("r", 129) + `"`), lot + "/stays",
			"reference", "length", []string{"0", "128"}},
		// PreviewInput: currency required, an ISO 4217 code; exit not before entry.
		{"preview currency missing", "POST", "/v1/tariffs/preview", preview("currency="), "/v1/lots", "currency", "required", nil},
		{"preview currency unknown", "POST", "/v1/tariffs/preview", preview(`currency="XYZ"`), "/v1/lots", "currency", "unknown", nil},
		{"preview exit early", "POST", "/v1/tariffs/preview", preview(`exit="2026-11-23T18:00:00+08:00"`), "/v1/lots", "exit", "order", nil},
		{"preview class", "POST", "/v1/tariffs/preview", preview(`vehicle_class="bus"`), "/v1/lots", "vehicle_class", "unknown", nil},
	} {
		before := e.do("GET", c.list, "").body
		e.wantReason(c.name, e.do(c.method, c.path, c.body), 400, "invalid", c.field, c.reason, c.params...)
		if after := e.do("GET", c.list, "").body; string(after) != string(before) {
			t.Errorf("%s: the refusal changed %s:\n%s\nwas\n%s", c.name, c.list, after, before)
		}
	}
}
