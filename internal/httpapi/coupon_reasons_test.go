package httpapi_test

import (
	"strings"
	"testing"
)

// TestCouponReasons: a coupon refused for its kind or value names the
// rule and the kind's bounds in the kind's own unit (an amount in minor units), where the detail
// read "for a amount coupon" and gave 1000000 with no unit.
func TestCouponReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	post := func(body string) reply { return e.do("POST", "/v1/lots/140123001/coupons", body) }
	check := e.wantReason

	check("kind missing", post(`{"plate":"京A12345"}`), 400, "invalid", "kind", "required")
	check("kind unknown", post(`{"plate":"京A12345","kind":"cash","value":10}`), 400, "invalid", "kind", "unknown")
	// CouponInput: minutes 1-10080 (7 × 24 × 60), hours 1-168 (7 × 24),
	// minor units 1-1000000 (10,000.00 CNY), percent 1-100.
	check("minutes", post(`{"plate":"京A12345","kind":"minutes","value":10081}`), 400, "invalid", "value", "range", "1", "10080")
	check("hours", post(`{"plate":"京A12345","kind":"hours","value":169}`), 400, "invalid", "value", "range", "1", "168")
	check("amount", post(`{"plate":"京A12345","kind":"amount"}`), 400, "invalid", "value", "range", "1", "1000000")
	check("percent", post(`{"plate":"京A12345","kind":"percent","value":101}`), 400, "invalid", "value", "range", "1", "100")

	// The detail says the unit, in words a reader takes in.
	for body, want := range map[string]string{
		`{"plate":"京A12345","kind":"amount","value":0}`:  "between 1 and 1000000 minor units of the lot's currency for an amount coupon",
		`{"plate":"京A12345","kind":"hours","value":169}`: "between 1 and 168 hours for an hours coupon",
		`{"plate":"京A12345","kind":"minutes","value":0}`: "between 1 and 10080 minutes for a minutes coupon",
		`{"plate":"京A12345","kind":"percent","value":0}`: "between 1 and 100 percent for a percent coupon",
	} {
		p := e.problem(post(body), 400, "invalid")
		if d, _ := p["detail"].(string); !strings.Contains(d, want) {
			t.Errorf("%s: detail %q, want it to say %q", body, d, want)
		}
	}
}
