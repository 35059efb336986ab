package httpapi_test

import (
	"fmt"
	"testing"
	"time"
)

// TestCouponIdempotencyKey: an operator's coupon sent without an id under
// an Idempotency-Key, resent after a timeout, answers the first coupon,
// even after a 20-minute outage; the key with another value is refused;
// the same grant under a new key is a new coupon; and once the key's
// window (24 h, the default coupon validity) has passed, the same request
// is a new grant too.
func TestCouponIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	const coupons = "/v1/lots/140123001/coupons"
	body := `{"plate":"京A12345","kind":"amount","value":300}`
	count := func() int {
		t.Helper()
		return len(e.want(e.do("GET", coupons, ""), 200)["coupons"].([]any))
	}
	// 01:04, then resends at 01:06 and 01:24 (a partner retrying after a
	// 20-minute outage): one coupon.
	e.setNow(t0.Add(4 * time.Minute))
	first := e.do("POST", coupons, body, "Idempotency-Key", "grant-1")
	c := e.want(first, 201)
	if first.header.Get("Idempotent-Replayed") != "" {
		t.Fatal("the first grant is marked replayed")
	}
	for _, after := range []time.Duration{6 * time.Minute, 24 * time.Minute} {
		e.setNow(t0.Add(after))
		again := e.do("POST", coupons, body, "Idempotency-Key", "grant-1")
		if r := e.want(again, 201); r["id"] != c["id"] || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("resend at +%v: %v, first %v", after, r, c)
		}
	}
	e.problem(e.do("POST", coupons, `{"plate":"京A12345","kind":"amount","value":400}`, "Idempotency-Key", "grant-1"), 422, "idempotency_key")
	if n := count(); n != 1 {
		t.Fatalf("%d coupons after two resends, want 1", n)
	}
	// The same grant made again, under a key of its own: a second coupon.
	second := e.do("POST", coupons, body, "Idempotency-Key", "grant-2")
	if r := e.want(second, 201); r["id"] == c["id"] || second.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("a grant under a new key answered %v, first %v", r, c)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d coupons after a grant under a new key, want 2", n)
	}
	// 23:59 after the first (01:04 + 23h59m): still a resend.
	e.setNow(t0.Add(4*time.Minute + 24*time.Hour - time.Minute))
	if r := e.want(e.do("POST", coupons, body, "Idempotency-Key", "grant-1"), 201); r["id"] != c["id"] {
		t.Fatalf("a resend 23h59m on: %v, first %v", r, c)
	}
	// 24 h after the first: the window has passed, a new grant.
	e.setNow(t0.Add(4*time.Minute + 24*time.Hour))
	if r := e.want(e.do("POST", coupons, body, "Idempotency-Key", "grant-1"), 201); r["id"] == c["id"] {
		t.Fatalf("a grant after the window answered the first coupon %v", r)
	}
}

// TestPassResend: a pass create resent as it was answers the first pass
// (Idempotent-Replayed) and adds none; other details on its plates are
// still a conflict.
func TestPassResend(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	body := `{"holder_name":"张伟","plates":["京A12345"],"valid_from":"2026-11-01T00:00:00+08:00","valid_to":"2026-12-01T00:00:00+08:00"}`
	p := e.want(e.do("POST", "/v1/lots/140123001/passes", body), 201)
	again := e.do("POST", "/v1/lots/140123001/passes", body)
	if r := e.want(again, 201); r["id"] != p["id"] || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("resend %v, first %v", r, p)
	}
	e.problem(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"李四","plates":["京A12345"],"valid_to":"2026-12-01T00:00:00+08:00"}`), 409, "conflict")
	if n := len(e.want(e.do("GET", "/v1/lots/140123001/passes", ""), 200)["passes"].([]any)); n != 1 {
		t.Fatalf("%d passes, want 1", n)
	}
}

// TestPassResendAfterRenewal: a pass create whose reply was lost is sent
// again after the pass was renewed at the desk: it is still the create's
// own and answers the first pass, which keeps its renewed end; a request
// with other details (or asking for the pass as renewed) is a conflict.
func TestPassResendAfterRenewal(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots/140123001/plans", `{"code":"std","name":"标准月租","price":30000}`), 201)
	body := `{"holder_name":"张伟","plates":["京A12345","京B54321"],"spaces":1,"plan":"std",
		"valid_from":"2026-11-01T00:00:00+08:00","valid_to":"2026-12-01T00:00:00+08:00"}`
	const passes = "/v1/lots/140123001/passes"
	p := e.want(e.do("POST", passes, body), 201)
	id := p["id"].(string)
	r := e.want(e.do("POST", passes+"/"+id+"/renewals", `{"months":1}`), 201)
	// One month of std (30000) from the end, 12-01 00:00 in Shanghai, to
	// 2027-01-01 00:00 there: 2026-12-31T16:00Z.
	const renewedEnd = "2026-12-31T16:00:00Z"
	e.want(e.do("POST", "/v1/lots/140123001/renewals/"+r["id"].(string)+"/payment",
		`{"amount":30000,"method":"cash","reference":"R-1"}`), 201)
	renewed := e.want(e.do("GET", passes+"/"+id, ""), 200)
	if renewed["valid_to"] != renewedEnd {
		t.Fatalf("renewed pass %v, want valid_to %s", renewed, renewedEnd)
	}

	again := e.do("POST", passes, body)
	if got := e.want(again, 201); got["id"] != id || got["valid_to"] != renewedEnd || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("resend after the renewal %v (replayed %q), want pass %s ending %s", got, again.header.Get("Idempotent-Replayed"), id, renewedEnd)
	}
	if got := e.want(e.do("GET", passes+"/"+id, ""), 200); fmt.Sprint(got) != fmt.Sprint(renewed) {
		t.Fatalf("the resend changed the pass:\nbefore %v\nafter  %v", renewed, got)
	}
	for _, other := range []string{
		// Another holder on the plates.
		`{"holder_name":"李四","plates":["京A12345","京B54321"],"spaces":1,"plan":"std",
			"valid_from":"2026-11-01T00:00:00+08:00","valid_to":"2026-12-01T00:00:00+08:00"}`,
		// The pass as renewed was never asked for by a create.
		`{"holder_name":"张伟","plates":["京A12345","京B54321"],"spaces":1,"plan":"std",
			"valid_from":"2026-11-01T00:00:00+08:00","valid_to":"2027-01-01T00:00:00+08:00"}`,
	} {
		e.problem(e.do("POST", passes, other), 409, "conflict")
	}
	if n := len(e.want(e.do("GET", passes, ""), 200)["passes"].([]any)); n != 1 {
		t.Fatalf("%d passes, want 1", n)
	}
}

// TestPassResendAfterItsPlatesWereEdited: a pass create whose reply was
// lost is sent again after the pass's plates were edited (its first plate
// taken off, then every plate replaced): it is still the create's own and
// answers the first pass as it is now, replayed, adding none.
func TestPassResendAfterItsPlatesWereEdited(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	// No valid_from: the pass starts at its create, and so a resend asks
	// for no start either.
	body := `{"holder_name":"张伟","plates":["京A12345","京B54321"],"spaces":1,"valid_to":"2026-12-01T00:00:00+08:00"}`
	const passes = "/v1/lots/140123001/passes"
	id := e.want(e.do("POST", passes, body), 201)["id"].(string)
	for _, plates := range []string{`["京B54321"]`, `["京C77777"]`} {
		e.want(e.do("PATCH", passes+"/"+id, `{"plates":`+plates+`}`), 200)
		edited := e.want(e.do("GET", passes+"/"+id, ""), 200)
		e.setNow(t0.Add(time.Minute)) // a resend a minute on: its start "now" is another time
		again := e.do("POST", passes, body)
		if got := e.want(again, 201); got["id"] != id || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("resend after the plates became %s: %v (replayed %q), want pass %s", plates, got, again.header.Get("Idempotent-Replayed"), id)
		}
		if got := e.want(e.do("GET", passes+"/"+id, ""), 200); fmt.Sprint(got) != fmt.Sprint(edited) {
			t.Fatalf("the resend changed the pass:\nbefore %v\nafter  %v", edited, got)
		}
		if n := len(e.want(e.do("GET", passes, ""), 200)["passes"].([]any)); n != 1 {
			t.Fatalf("%d passes after the resend, want 1", n)
		}
	}
}
