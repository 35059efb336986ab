package httpapi_test

import (
	"testing"
	"time"
)

// TestCouponIdempotencyKey: an operator's coupon sent without an id under
// an Idempotency-Key, resent after a timeout, answers the first coupon;
// the key with another value is refused; after the resend window the
// same request is a new grant.
func TestCouponIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	const coupons = "/v1/lots/140123001/coupons"
	body := `{"plate":"京A12345","kind":"amount","value":300}`
	// 01:04, then a resend at 01:06: across the key's 5-minute slots, yet
	// 2 minutes apart, inside the window.
	e.setNow(t0.Add(4 * time.Minute))
	first := e.do("POST", coupons, body, "Idempotency-Key", "grant-1")
	c := e.want(first, 201)
	if first.header.Get("Idempotent-Replayed") != "" {
		t.Fatal("the first grant is marked replayed")
	}
	e.setNow(t0.Add(6 * time.Minute))
	again := e.do("POST", coupons, body, "Idempotency-Key", "grant-1")
	if r := e.want(again, 201); r["id"] != c["id"] || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("resend %v, first %v", r, c)
	}
	e.problem(e.do("POST", coupons, `{"plate":"京A12345","kind":"amount","value":400}`, "Idempotency-Key", "grant-1"), 422, "idempotency_key")
	list := e.want(e.do("GET", coupons, ""), 200)
	if n := len(list["coupons"].([]any)); n != 1 {
		t.Fatalf("%d coupons after a resend, want 1: %v", n, list)
	}
	// 01:09, 5 minutes after the first: the window has passed, a new grant.
	e.setNow(t0.Add(9 * time.Minute))
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
