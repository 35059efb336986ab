package httpapi_test

import (
	"testing"
	"time"
)

// TestDeskRenewal: a pass ending on 31 January is renewed at the desk for
// one month of its plan: 30000, and the new end is clamped to the last day
// of February (2027 is not a leap year), at the same local time.
func TestDeskRenewal(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots/140123001/plans", `{"code":"std","name":"标准月租","price":30000}`), 201)
	ps := e.want(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"张伟","plates":["京A12345"],"plan":"std",
		"valid_from":"2026-12-31T10:00:00+08:00","valid_to":"2027-01-31T10:00:00+08:00"}`), 201)
	renew := "/v1/lots/140123001/passes/" + ps["id"].(string) + "/renewals"
	r := e.want(e.do("POST", renew, `{"months":1}`), 201)
	wantEnd := time.Date(2027, 2, 28, 2, 0, 0, 0, time.UTC).Format(time.RFC3339Nano) // 10:00 in Shanghai
	if r["amount"] != float64(30000) || r["valid_to"] != wantEnd || r["paid_at"] != nil || r["plan"] != "std" {
		t.Fatalf("order %v", r)
	}
	order := "/v1/lots/140123001/renewals/" + r["id"].(string)
	e.problem(e.do("POST", order+"/payment", `{"amount":29999,"method":"cash","reference":"R-1"}`), 422, "amount_mismatch")
	paid := e.want(e.do("POST", order+"/payment", `{"amount":30000,"method":"cash","reference":"R-1"}`), 201)
	if paid["pass"].(map[string]any)["valid_to"] != wantEnd || paid["renewal"].(map[string]any)["paid_at"] == nil {
		t.Fatalf("paid %v", paid)
	}
	again := e.do("POST", order+"/payment", `{"amount":30000,"method":"cash","reference":"R-1"}`)
	if e.want(again, 201); again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("a retry is not marked as a replay")
	}
	e.problem(e.do("POST", order+"/payment", `{"amount":30000,"method":"cash","reference":"R-2"}`), 409, "quote_paid")
	if got := e.want(e.do("GET", "/v1/lots/140123001/passes/"+ps["id"].(string), ""), 200); got["valid_to"] != wantEnd {
		t.Fatalf("pass after renewal %v", got)
	}

	// An order not paid within the lot's 300 s expires.
	late := e.want(e.do("POST", renew, `{"months":2}`), 201)
	e.setNow(e.Now().Add(301 * time.Second))
	e.problem(e.do("POST", "/v1/lots/140123001/renewals/"+late["id"].(string)+"/payment",
		`{"amount":60000,"reference":"R-3"}`), 410, "quote_expired")

	for _, c := range []struct{ path, body, field string }{
		{renew, `{"months":0}`, "months"},
		{renew, `{"months":37}`, "months"},
		{order + "/payment", `{"reference":"R-4"}`, "amount"},
		{order + "/payment", `{"amount":30000}`, "reference"},
	} {
		if pr := e.problem(e.do("POST", c.path, c.body), 400, "invalid"); pr["field"] != c.field {
			t.Errorf("%s %s: field %v, want %s", c.path, c.body, pr["field"], c.field)
		}
	}
	e.problem(e.do("POST", "/v1/lots/140123001/passes/nope/renewals", `{"months":1}`), 404, "not_found")
	e.problem(e.do("GET", "/v1/lots/140123001/renewals/nope", ""), 404, "not_found")
	e.problem(e.do("POST", renew, `{"months":1,"plan":"gold"}`), 404, "not_found")
}
