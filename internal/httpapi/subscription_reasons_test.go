package httpapi_test

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
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
	// A body that names nothing to change: at least one field is
	// required, and no one field is missing.
	check("patch nothing", patch(`{}`), 400, "invalid", "", "required")
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
	// A report and a time: one excludes the other; since is refused,
	// naming the field it cannot go with.
	before := e.do("GET", "/v1/deliveries", "").body
	check("redeliver both", e.do("POST", "/v1/partners/mall/subscriptions/s1/redeliver", `{"report_id":"r1","since":"2026-03-01T00:00:00Z"}`),
		400, "invalid", "since", "excludes", "report_id")
	if after := e.do("GET", "/v1/deliveries", "").body; string(after) != string(before) {
		t.Fatalf("a refused replay changed the deliveries: %s\nwas %s", after, before)
	}
}

// TestWebhookHostReasons: while private webhooks are not allowed, a
// subscription's host that does not resolve is refused as unresolved,
// one that is or resolves to a loopback or private address as private,
// created or changed, and a refusal changes no subscription.
func TestWebhookHostReasons(t *testing.T) {
	hosts := map[string][]netip.Addr{
		"receiver.example": {netip.MustParseAddr("93.184.216.34")},
		"inside.example":   {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")},
	}
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		if a, ok := hosts[host]; ok {
			return a, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	e := newDeliveryEnvWith(t, deliveries.Options{Poll: 10 * time.Millisecond, Lookup: lookup})
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","lots":["140123001"]}`), 201)
	post := func(url string) reply {
		return e.do("POST", "/v1/partners/mall/subscriptions", `{"report":"entry","enabled":false,"url":"`+url+`"}`)
	}
	check := e.wantReason
	e.want(e.do("POST", "/v1/partners/mall/subscriptions", `{"id":"s1","report":"entry","enabled":false,"url":"https://receiver.example/in"}`), 201)
	before := e.do("GET", "/v1/partners/mall/subscriptions", "").body

	check("unresolved", post("https://nowhere.example/in"), 400, "invalid", "url", "unresolved")
	// One private address among public ones is enough to refuse.
	check("resolves private", post("https://inside.example/in"), 400, "invalid", "url", "private")
	check("loopback", post("http://127.0.0.1:9/in"), 400, "invalid", "url", "private")
	check("private v6", post("http://[fd00::1]/in"), 400, "invalid", "url", "private")
	patch := func(url string) reply {
		return e.do("PATCH", "/v1/partners/mall/subscriptions/s1", `{"url":"`+url+`"}`)
	}
	check("patch unresolved", patch("https://nowhere.example/in"), 400, "invalid", "url", "unresolved")
	check("patch private", patch("http://192.168.1.2/in"), 400, "invalid", "url", "private")
	if after := e.do("GET", "/v1/partners/mall/subscriptions", "").body; string(after) != string(before) {
		t.Fatalf("refusals changed the subscriptions:\n%s\nwas\n%s", after, before)
	}
}
