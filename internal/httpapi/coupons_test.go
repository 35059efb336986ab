package httpapi_test

import (
	"fmt"
	"testing"
	"time"
)

// TestOperatorCoupons: an operator's amount coupon lowers the car's quote,
// is used by the payment that settles it, and can then no longer be
// withdrawn; an unused one can. The lot's tariff is 2.00 per started 30
// minutes after a 15-minute grace.
func TestOperatorCoupons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	in := e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200)
	e.setNow(t0.Add(10 * time.Minute))
	const coupons = "/v1/lots/140123001/coupons"
	c := e.want(e.do("POST", coupons, `{"id":"CS-1","plate":"京a12345","kind":"amount","value":300,"merchant":"service desk"}`), 201)
	if c["issuer"] != "" || c["state"] != "issued" || c["plate"] != "京A12345" || c["used_at"] != nil {
		t.Fatalf("coupon %v", c)
	}
	// A retry answers the same coupon; other details under the id are refused.
	again := e.do("POST", coupons, `{"id":"CS-1","plate":"京A12345","kind":"amount","value":300}`)
	if r := e.want(again, 201); r["created_at"] != c["created_at"] || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry %v", r)
	}
	e.problem(e.do("POST", coupons, `{"id":"CS-1","plate":"京A12345","kind":"amount","value":400}`), 409, "conflict")
	e.want(e.do("POST", coupons, `{"id":"CS-2","plate":"京A12345","kind":"minutes","value":30}`), 201)

	// At 2 h: 4 started blocks of 30 minutes = 800; the 30 free minutes
	// leave 3 blocks = 600 (time coupons apply before amounts), less 300 = 300.
	e.setNow(t0.Add(2 * time.Hour))
	q := e.want(e.do("POST", "/v1/stays/"+in["stay_id"].(string)+"/quotes", ""), 201)
	if q["amount_due"] != float64(300) {
		t.Fatalf("quote %v", q)
	}
	e.want(e.do("POST", "/v1/payments", fmt.Sprintf(`{"quote_id":%q,"amount":300,"method":"cash"}`, q["id"])), 201)
	used := e.want(e.do("GET", coupons+"/CS-1", ""), 200)
	if used["state"] != "used" || used["payment_id"] == nil || used["used_at"] == nil || used["stay_id"] != in["stay_id"] {
		t.Fatalf("after payment %v", used)
	}
	e.problem(e.do("DELETE", coupons+"/CS-1", ""), 409, "conflict")

	// An unused coupon of another car is withdrawn and kept as deleted.
	e.want(e.do("POST", coupons, `{"id":"CS-3","plate":"沪B00001","kind":"free"}`), 201)
	if d := e.want(e.do("DELETE", coupons+"/CS-3", ""), 200); d["state"] != "deleted" {
		t.Fatalf("withdrawn %v", d)
	}
	list := e.want(e.do("GET", coupons+"?state=used", ""), 200)
	if list["total"] != float64(2) || len(list["coupons"].([]any)) != 2 {
		t.Fatalf("used coupons %v", list)
	}
	if l := e.want(e.do("GET", coupons+"?plate=沪B00001", ""), 200); l["total"] != float64(1) {
		t.Fatalf("by plate %v", l)
	}

	for _, c := range []struct{ method, path, body, field string }{
		{"POST", coupons, `{"plate":"京A12345","kind":"gift","value":1}`, "kind"},
		{"POST", coupons, `{"plate":"京A12345","kind":"amount","value":0}`, "value"},
		{"POST", coupons, `{"plate":"nope","kind":"amount","value":1}`, "plate"},
		{"POST", coupons, `{"plate":"京A12345","kind":"amount","value":1,"valid_to":"yesterday"}`, "valid_to"},
		{"GET", coupons + "?state=lost", "", "state"},
		{"GET", coupons + "?limit=5000", "", "limit"},
	} {
		if pr := e.problem(e.do(c.method, c.path, c.body), 400, "invalid"); pr["field"] != c.field {
			t.Errorf("%s %s %s: field %v, want %s", c.method, c.path, c.body, pr["field"], c.field)
		}
	}
	e.problem(e.do("GET", "/v1/lots/nope/coupons", ""), 404, "not_found")
	e.problem(e.do("POST", "/v1/lots/nope/coupons", `{"plate":"京A12345","kind":"free"}`), 404, "not_found")
	e.problem(e.do("GET", coupons+"/CS-9", ""), 404, "not_found")
}

// TestCouponPagesAfter: the coupon list pages by after, the next of the
// previous page: five coupons a minute apart (P0 oldest), two at a time;
// P5, issued after page 1 was read, comes last and nothing repeats. The
// offset pages as before; after and offset together are refused.
func TestCouponPagesAfter(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	const coupons = "/v1/lots/140123001/coupons"
	issue := func(i int) {
		t.Helper()
		e.setNow(t0.Add(time.Duration(i) * time.Minute))
		e.want(e.do("POST", coupons, fmt.Sprintf(`{"id":"P%d","plate":"京A1234%d","kind":"minutes","value":30}`, i, i)), 201)
	}
	for i := range 5 {
		issue(i)
	}
	page := func(query string) (ids []string, next any, total any) {
		t.Helper()
		l := e.want(e.do("GET", coupons+"?"+query, ""), 200)
		for _, c := range l["coupons"].([]any) {
			ids = append(ids, c.(map[string]any)["id"].(string))
		}
		return ids, l["next"], l["total"]
	}
	want := func(query, ids string, next any, total float64) {
		t.Helper()
		got, n, tot := page(query)
		if fmt.Sprint(got) != ids || n != next || tot != total {
			t.Errorf("%s: %v, next %v, total %v; want %s, next %v, total %v", query, got, n, tot, ids, next, total)
		}
	}
	// Page 1: P0 P1, next P1; P5 is issued; from P1: P2 P3, then P4 P5,
	// then none follow (6 in all).
	want("limit=2", "[P0 P1]", "P1", 5)
	issue(5)
	want("limit=2&after=P1", "[P2 P3]", "P3", 6)
	want("limit=2&after=P3", "[P4 P5]", nil, 6)
	// The offset still pages as documented: 2 from the third.
	want("limit=2&offset=2", "[P2 P3]", "P3", 6)
	for _, c := range []struct{ query, field string }{
		{"after=nope", "after"},
		{"after=P1&offset=2", "offset"},
	} {
		if pr := e.problem(e.do("GET", coupons+"?"+c.query, ""), 400, "invalid"); pr["field"] != c.field {
			t.Errorf("%s: field %v, want %s", c.query, pr["field"], c.field)
		}
	}
}

// TestPlateCouponTotal: a plate's coupon list counts that plate's coupons
// alone, on its first page and on the pages after it, and the lot's list
// counts them all. Five coupons a minute apart, two plates:
//
//	Q0 京A11111, Q1 京B22222, Q2 京A11111, Q3 京B22222, Q4 京A11111
//
// 京A11111: Q0 Q2 Q4 = 3; 京B22222: Q1 Q3 = 2; the lot: 3 + 2 = 5.
func TestPlateCouponTotal(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	const coupons = "/v1/lots/140123001/coupons"
	for i, plate := range []string{"京A11111", "京B22222", "京A11111", "京B22222", "京A11111"} {
		e.setNow(t0.Add(time.Duration(i) * time.Minute))
		e.want(e.do("POST", coupons, fmt.Sprintf(`{"id":"Q%d","plate":%q,"kind":"minutes","value":30}`, i, plate)), 201)
	}
	for _, c := range []struct {
		query, ids string
		next       any
		total      float64
	}{
		{"plate=京A11111&limit=2", "[Q0 Q2]", "Q2", 3},
		{"plate=京A11111&limit=2&after=Q2", "[Q4]", nil, 3},
		{"plate=京A11111&limit=2&after=Q0", "[Q2 Q4]", nil, 3},
		{"plate=京B22222&limit=1&after=Q1", "[Q3]", nil, 2},
		{"limit=2&after=Q1", "[Q2 Q3]", "Q3", 5},
	} {
		l := e.want(e.do("GET", coupons+"?"+c.query, ""), 200)
		var ids []string
		for _, x := range l["coupons"].([]any) {
			ids = append(ids, x.(map[string]any)["id"].(string))
		}
		if fmt.Sprint(ids) != c.ids || l["next"] != c.next || l["total"] != c.total {
			t.Errorf("%s: %v, next %v, total %v; want %s, next %v, total %v", c.query, ids, l["next"], l["total"], c.ids, c.next, c.total)
		}
	}
}

// TestPlateCouponFirstPages: a plate's coupon list without after (the
// first page, or one placed by offset) holds that plate's coupons alone,
// oldest first, counted alone; and a car's sixth unused coupon is
// refused whatever other cars hold. Five coupons a minute apart, two
// plates:
//
//	Q0 京A11111, Q1 京B22222, Q2 京A11111, Q3 京B22222, Q4 京A11111
//
// 京A11111: Q0 Q2 Q4 = 3; 京B22222: Q1 Q3 = 2; the lot: 3 + 2 = 5. A page
// has a next when offset + its coupons < total.
func TestPlateCouponFirstPages(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	const coupons = "/v1/lots/140123001/coupons"
	for i, plate := range []string{"京A11111", "京B22222", "京A11111", "京B22222", "京A11111"} {
		e.setNow(t0.Add(time.Duration(i) * time.Minute))
		e.want(e.do("POST", coupons, fmt.Sprintf(`{"id":"Q%d","plate":%q,"kind":"minutes","value":30}`, i, plate)), 201)
	}
	want := func(query, ids string, next any, total float64) {
		t.Helper()
		l := e.want(e.do("GET", coupons+"?"+query, ""), 200)
		var got []string
		for _, x := range l["coupons"].([]any) {
			got = append(got, x.(map[string]any)["id"].(string))
		}
		if fmt.Sprint(got) != ids || l["next"] != next || l["total"] != total {
			t.Errorf("%s: %v, next %v, total %v; want %s, next %v, total %v", query, got, l["next"], l["total"], ids, next, total)
		}
	}
	want("plate=京A11111&limit=1", "[Q0]", "Q0", 3)            // 0 + 1 < 3
	want("plate=京A11111&limit=1&offset=1", "[Q2]", "Q2", 3)   // 1 + 1 < 3
	want("plate=京A11111&limit=2&offset=2", "[Q4]", nil, 3)    // 2 + 1 = 3
	want("plate=京a11111&limit=2&offset=1", "[Q2 Q4]", nil, 3) // the plate as typed: 1 + 2 = 3
	want("plate=京B22222&limit=5", "[Q1 Q3]", nil, 2)          // all of them on one page
	want("plate=京B22222&limit=1&offset=1", "[Q3]", nil, 2)    // 1 + 1 = 2
	want("plate=京B22222&limit=2&offset=5", "[]", nil, 2)      // past the end, still counted
	want("plate=京C33333&limit=2", "[]", nil, 0)               // a car with none
	want("limit=2&offset=2", "[Q2 Q3]", "Q3", 5)              // the lot: 2 + 2 < 5

	// Q2 withdrawn: 京A11111's issued ones are Q0 Q4, 2; its list still
	// holds Q2, as deleted.
	e.want(e.do("DELETE", coupons+"/Q2", ""), 200)
	want("plate=京A11111&state=issued&limit=1", "[Q0]", "Q0", 2) // 0 + 1 < 2
	want("plate=京A11111&state=deleted&limit=1", "[Q2]", nil, 1)
	want("plate=京A11111&limit=5", "[Q0 Q2 Q4]", nil, 3)

	// 京B22222 holds Q1 Q3 unused; R0 R1 R2 make 2 + 3 = 5, the most a
	// stay can use, so R3 is refused for it. 京A11111 holds 2 (Q0 Q4): R3
	// is its third. Withdrawing R0 leaves 京B22222 4: R4 is its fifth.
	for _, id := range []string{"R0", "R1", "R2"} {
		e.want(e.do("POST", coupons, fmt.Sprintf(`{"id":%q,"plate":"京B22222","kind":"minutes","value":30}`, id)), 201)
	}
	e.problem(e.do("POST", coupons, `{"id":"R3","plate":"京B22222","kind":"minutes","value":30}`), 409, "conflict")
	e.want(e.do("POST", coupons, `{"id":"R3","plate":"京A11111","kind":"minutes","value":30}`), 201)
	e.want(e.do("DELETE", coupons+"/R0", ""), 200)
	e.want(e.do("POST", coupons, `{"id":"R4","plate":"京B22222","kind":"minutes","value":30}`), 201)
	e.problem(e.do("POST", coupons, `{"id":"R5","plate":"京B22222","kind":"minutes","value":30}`), 409, "conflict")
	want("plate=京B22222&state=issued&limit=10", "[Q1 Q3 R1 R2 R4]", nil, 5)
	want("plate=京A11111&state=issued&limit=10", "[Q0 Q4 R3]", nil, 3)
}
