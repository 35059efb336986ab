package httpapi_test

import (
	"strings"
	"testing"
)

// TestSubscriptionReasons: a subscription refused, created or changed,
// names the rule and the bounds the native API's document gives, so a
// client tells a missing URL from one too long or with credentials in it,
// and a refusal changes no subscription.
func TestSubscriptionReasons(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","lots":["140123001"]}`), 201)
	const url = `"http://127.0.0.1:9/entry"`
	sub := func(fields string) string {
		return edited(map[string]string{"report": `"entry"`, "url": url}, fields)
	}
	post := func(body string) reply { return e.do("POST", "/v1/partners/mall/subscriptions", body) }
	check := e.wantReason
	e.want(post(sub(`id="s1"`)), 201)
	before := e.do("GET", "/v1/partners/mall/subscriptions", "").body

	check("id form", post(sub(`id="a b"`)), 400, "invalid", "id", "format")
	check("report missing", post(sub("report=")), 400, "invalid", "report", "required")
	check("report unknown", post(sub(`report="parked"`)), 400, "invalid", "report", "unknown")
	// Rental changes are not among SubscriptionInput's reports.
	check("report rental", post(sub(`report="rental"`)), 400, "invalid", "report", "unknown")
	check("url missing", post(sub("url=")), 400, "invalid", "url", "required")
	// At most 2048 bytes: "http://127.0.0.1:9/" is 19, and 2030 more make 2049.
	check("url long", post(sub(`url="http://127.0.0.1:9/`+strings.Repeat("x", 2030)+`"`)), 400, "invalid", "url", "length", "1", "2048")
	check("url scheme", post(sub(`url="ftp://127.0.0.1/x"`)), 400, "invalid", "url", "format")
	check("url credentials", post(sub(`url="http://u:p@127.0.0.1:9/x"`)), 400, "invalid", "url", "format")
	check("url not one", post(sub(`url="http://[::1"`)), 400, "invalid", "url", "format")
	check("url port", post(sub(`url="http://127.0.0.1:70000/x"`)), 400, "invalid", "url", "range", "1", "65535")
	// format: native, or the partner's dialect when it pushes reports
	// (api-one does not).
	check("format unknown", post(sub(`format="api-one"`)), 400, "invalid", "format", "unknown")
	check("format long", post(sub(`format="`+strings.Repeat("f", 33)+`"`)), 400, "invalid", "format", "length", "1", "32")
	// SubscriptionInput: rate_limit 0-10000, concurrency 0-64,
	// timeout_seconds 0-60, schedule_seconds at most 30 steps of 0 to
	// 7 days (7 × 24 × 3600 = 604800 s); 0 or none: the default.
	check("rate_limit", post(sub("rate_limit=10001")), 400, "invalid", "rate_limit", "range", "0", "10000")
	check("rate_limit -1", post(sub("rate_limit=-1")), 400, "invalid", "rate_limit", "range", "0", "10000")
	check("concurrency", post(sub("concurrency=65")), 400, "invalid", "concurrency", "range", "0", "64")
	check("timeout", post(sub("timeout_seconds=61")), 400, "invalid", "timeout_seconds", "range", "0", "60")
	check("timeout -1", post(sub("timeout_seconds=-1")), 400, "invalid", "timeout_seconds", "range", "0", "60")
	steps := strings.TrimSuffix(strings.Repeat("5,", 31), ",")
	check("31 steps", post(sub("schedule_seconds=["+steps+"]")), 400, "invalid", "schedule_seconds", "range", "0", "30")
	check("step long", post(sub("schedule_seconds=[0,604801]")), 400, "invalid", "schedule_seconds", "range", "0", "604800")
	check("step -1", post(sub("schedule_seconds=[-1]")), 400, "invalid", "schedule_seconds", "range", "0", "604800")

	// A change is checked by the same rules.
	patch := func(body string) reply { return e.do("PATCH", "/v1/partners/mall/subscriptions/s1", body) }
	check("patch url empty", patch(`{"url":""}`), 400, "invalid", "url", "required")
	check("patch url scheme", patch(`{"url":"ftp://127.0.0.1/x"}`), 400, "invalid", "url", "format")
	check("patch rate_limit", patch(`{"rate_limit":10001}`), 400, "invalid", "rate_limit", "range", "0", "10000")
	check("patch concurrency", patch(`{"concurrency":-1}`), 400, "invalid", "concurrency", "range", "0", "64")
	check("patch timeout", patch(`{"timeout_seconds":61}`), 400, "invalid", "timeout_seconds", "range", "0", "60")
	check("patch 31 steps", patch(`{"schedule_seconds":[`+steps+`]}`), 400, "invalid", "schedule_seconds", "range", "0", "30")
	check("patch step", patch(`{"schedule_seconds":[604801]}`), 400, "invalid", "schedule_seconds", "range", "0", "604800")
	if after := e.do("GET", "/v1/partners/mall/subscriptions", "").body; string(after) != string(before) {
		t.Fatalf("refusals changed the subscriptions:\n%s\nwas\n%s", after, before)
	}
}

// TestDeliveryReasons: a delivery list or a replay refused names the
// rule: a filter given empty is required, a report kind or state not
// among those listed unknown, a cursor not one a page gave misformed.
func TestDeliveryReasons(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","lots":["140123001"]}`), 201)
	e.want(e.do("POST", "/v1/partners/mall/subscriptions", `{"id":"s1","report":"entry","url":"http://127.0.0.1:9/x","enabled":false}`), 201)
	check := e.wantReason

	check("partner empty", e.do("GET", "/v1/deliveries?partner=", ""), 400, "invalid", "partner", "required")
	check("state empty", e.do("GET", "/v1/deliveries?state=", ""), 400, "invalid", "state", "required")
	check("report unknown", e.do("GET", "/v1/deliveries?report=parked", ""), 400, "invalid", "report", "unknown")
	check("state unknown", e.do("GET", "/v1/deliveries?state=lost", ""), 400, "invalid", "state", "unknown")
	check("before", e.do("GET", "/v1/deliveries?before=abc", ""), 400, "invalid", "before", "format")
	check("before 0", e.do("GET", "/v1/deliveries?before=0", ""), 400, "invalid", "before", "format")
	check("redeliver nothing", e.do("POST", "/v1/partners/mall/subscriptions/s1/redeliver", `{}`), 400, "invalid", "since", "required")
}
