package httpapi_test

import (
	"fmt"
	"testing"
	"time"
)

// TestSpaces: an operator defines spaces, sensors and cameras report, and
// the lot's free spaces follow; bad input is refused with the field named
// and changes nothing.
func TestSpaces(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	layout := `{"spaces":[{"code":"B1-01","floor":"B1","zone":"A","kind":"ev"},{"code":"B1-02","floor":"B1","zone":"A"},
		{"code":"F1-01","floor":"F1"}]}`
	got := e.want(e.do("PUT", "/v1/lots/140123001/spaces", layout), 200)
	if n := len(got["spaces"].([]any)); n != 3 {
		t.Fatalf("spaces %v", got)
	}
	// Without reports: 3 spaces, all free.
	rem := e.want(e.do("GET", "/v1/lots/140123001/remaining", ""), 200)
	if rem["by_space"] != true || rem["total"] != float64(3) || rem["free"] != float64(3) {
		t.Fatalf("remaining %v", rem)
	}
	at := t0.Add(time.Minute).Format(time.RFC3339)
	res := e.want(e.do("POST", "/v1/lots/140123001/spaces/reports", fmt.Sprintf(`{"reports":[
		{"space":"B1-01","occupied":true,"plate":"粤B12345","at":%q},{"space":"F1-01","occupied":true,"at":%q}]}`, at, at)), 200)
	if fmt.Sprint(res["results"]) != "[map[applied:true space:B1-01] map[applied:true space:F1-01]]" {
		t.Fatalf("results %v", res)
	}
	// The same reports again are not applied (last writer wins by at).
	res = e.want(e.do("POST", "/v1/lots/140123001/spaces/reports", fmt.Sprintf(`{"reports":[{"space":"F1-01","occupied":false,"at":%q}]}`, at)), 200)
	if fmt.Sprint(res["results"]) != "[map[applied:false space:F1-01]]" {
		t.Fatalf("replayed %v", res)
	}
	// B1: 2 spaces, 1 occupied; F1: 1, 1. Garage: 3, 2, 1 free.
	rem = e.want(e.do("GET", "/v1/lots/140123001/remaining", ""), 200)
	if rem["total"] != float64(3) || rem["occupied"] != float64(2) || rem["free"] != float64(1) ||
		fmt.Sprint(rem["floors"]) != "[map[floor:B1 free:1 occupied:1 total:2 zones:[map[free:1 occupied:1 total:2 zone:A]]] "+
			"map[floor:F1 free:0 occupied:1 total:1 zones:[map[free:0 occupied:1 total:1 zone:]]]]" {
		t.Fatalf("remaining %v", rem)
	}
	page := e.want(e.do("GET", "/v1/lots/140123001/spaces?floor=B1&limit=1", ""), 200)
	sp := page["spaces"].([]any)[0].(map[string]any)
	if sp["code"] != "B1-01" || sp["plate"] != "粤B12345" || sp["occupied"] != true || sp["source"] != "camera" || page["next"] != "B1-01" {
		t.Fatalf("page %v", page)
	}
	before := e.do("GET", "/v1/lots/140123001/spaces", "").body
	for _, c := range []struct{ method, path, body, code, field string }{
		{"PUT", "/v1/lots/140123001/spaces", `{"spaces":[{"code":"X","floor":"B1"},{"code":"X","floor":"B2"}]}`, "invalid", "spaces[1].code"},
		{"PUT", "/v1/lots/140123001/spaces", `{"spaces":[{"code":"X"}]}`, "invalid", "spaces[0].floor"},
		{"PUT", "/v1/lots/140123001/spaces", `{}`, "invalid", "spaces"},
		{"PUT", "/v1/lots/140123001/spaces", `{"spaces":[{"code":"X","floor":"B1","color":"red"}]}`, "invalid", ""},
		{"POST", "/v1/lots/140123001/spaces/reports", `{"reports":[{"space":"B1-02","occupied":true}]}`, "invalid", "reports[0].at"},
		{"POST", "/v1/lots/140123001/spaces/reports", fmt.Sprintf(`{"reports":[{"space":"B1-02","occupied":"yes","at":%q}]}`, at), "invalid", ""},
		{"POST", "/v1/lots/140123001/spaces/reports", fmt.Sprintf(`{"reports":[{"space":"B1-02","occupied":true,"at":"2026-12-01T00:00:00Z"},{"space":"ZZ","at":%q}]}`, at), "invalid", "reports[0].at"},
		{"POST", "/v1/lots/140123001/spaces/reports", fmt.Sprintf(`{"reports":[{"space":"B1-02","occupied":true,"at":%q},{"space":"ZZ","at":%q}]}`, at, at), "not_found", "reports[1].space"},
		{"POST", "/v1/lots/nope/spaces/reports", fmt.Sprintf(`{"reports":[{"space":"B1-02","at":%q}]}`, at), "not_found", ""},
	} {
		status := 400
		if c.code == "not_found" {
			status = 404
		}
		p := e.problem(e.do(c.method, c.path, c.body), status, c.code)
		if c.field != "" && p["field"] != c.field {
			t.Errorf("%s %s: field %v, want %s", c.method, c.body, p["field"], c.field)
		}
		if after := e.do("GET", "/v1/lots/140123001/spaces", "").body; string(after) != string(before) {
			t.Fatalf("refused %s %s changed spaces", c.method, c.body)
		}
	}
}
