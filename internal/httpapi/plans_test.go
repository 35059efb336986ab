package httpapi_test

import (
	"fmt"
	"testing"
)

func TestPlanCRUD(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	p := e.want(e.do("POST", "/v1/lots/140123001/plans", `{"code":"night","name":"夜间月租","price":15000,
		"slots":[{"from":"19:00","to":"08:00"}]}`), 201)
	if p["price"] != float64(15000) || fmt.Sprint(p["slots"]) != "[map[from:19:00 to:08:00]]" {
		t.Fatalf("plan %v", p)
	}
	// A pass on the plan takes its slots.
	ps := e.want(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"王芳","plates":["京N12345"],"plan":"night",
		"valid_from":"2026-11-01T00:00:00+08:00","valid_to":"2026-12-01T00:00:00+08:00"}`), 201)
	if fmt.Sprint(ps["slots"]) != "[map[from:19:00 to:08:00]]" {
		t.Fatalf("pass %v", ps)
	}
	const path = "/v1/lots/140123001/plans/night"
	if up := e.want(e.do("PATCH", path, `{"price":16000}`), 200); up["price"] != float64(16000) || up["name"] != "夜间月租" {
		t.Fatalf("patched %v", up)
	}
	for _, c := range []struct{ method, path, body, field string }{
		{"POST", "/v1/lots/140123001/plans", `{"code":"x","name":"x"}`, "price"},
		{"POST", "/v1/lots/140123001/plans", `{"code":"x","name":"x","price":1,"slots":[{"from":"7:00","to":"08:00"}]}`, "slots"},
		{"PATCH", path, `{"vehicle_class":"truck"}`, "vehicle_class"},
		{"PATCH", path, `{"slots":[{"from":"08:00","to":"08:00"}]}`, "slots"},
	} {
		if pr := e.problem(e.do(c.method, c.path, c.body), 400, "invalid"); pr["field"] != c.field {
			t.Errorf("%s %s: field %v, want %s", c.method, c.body, pr["field"], c.field)
		}
	}
	e.problem(e.do("POST", "/v1/lots/140123001/plans", `{"code":"night","name":"x","price":1}`), 409, "conflict")
	e.problem(e.do("POST", "/v1/lots/140123001/plans", `{"code":"n2","name":"x","price":1,"extra":1}`), 400, "invalid")
	e.problem(e.do("GET", "/v1/lots/nope/plans", ""), 404, "not_found")
	if list := e.want(e.do("GET", "/v1/lots/140123001/plans", ""), 200); len(list["plans"].([]any)) != 1 {
		t.Fatalf("list %v", list)
	}
	e.want(e.do("DELETE", path, ""), 204)
	e.problem(e.do("GET", path, ""), 404, "not_found")
}
