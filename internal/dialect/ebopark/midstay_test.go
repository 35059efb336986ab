package ebopark_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// native sends an operator's request to the native API and returns its
// status and body.
func (e *env) native(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer admin")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// TestPassBoughtWhileInside: a resident buys a monthly pass at 10:00 (the
// native API) for a car inside since 08:00. At a 17:00 exit, with the
// lot's tariff set to 5.00 per started hour, the car pays 08:00-10:00:
// 2 hours, 1000 fen; the fee query shows the same amount, and the exit is
// held for it.
func TestPassBoughtWhileInside(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	day := func(hh int) time.Time { return time.Date(2026, 3, 2, hh, 0, 0, 0, shanghai) }
	const car = "粤B20001"
	if code, body := e.native(t, "PUT", "/v1/lots/"+lotCode+"/tariff", `{"every":{"minutes":60,"price":500}}`); code != 200 {
		t.Fatalf("tariff: HTTP %d %s", code, body)
	}
	event := func(e *env, id, typ, lane string, at time.Time) map[string]any {
		t.Helper()
		code, body := e.native(t, "POST", "/v1/lots/"+lotCode+"/events",
			`{"id":"`+id+`","type":"`+typ+`","plate":"`+car+`","lane":"`+lane+`","at":"`+at.Format(time.RFC3339)+`"}`)
		if code != 200 && code != 201 {
			t.Fatalf("%s: HTTP %d %s", typ, code, body)
		}
		var d map[string]any
		if err := json.Unmarshal(body, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := event(e.at(day(8)), "mid-in", "entry", "in-1", day(8)); d["reason"] != "visitor" {
		t.Fatalf("entry %v, want a visitor", d)
	}
	if code, body := e.at(day(10)).native(t, "POST", "/v1/lots/"+lotCode+"/passes",
		`{"holder_name":"李娜","plates":["`+car+`"],"valid_from":"2026-03-02T10:00:00+08:00","valid_to":"2026-04-02T10:00:00+08:00"}`); code != 201 {
		t.Fatalf("pass: HTTP %d %s", code, body)
	}
	at17 := e.at(day(17))
	if f := at17.fee(t, `{"ParkCode":"`+lotCode+`","CarNo":"`+car+`"}`); f.TotalFee != 1000 || f.PayFee != 1000 {
		t.Fatalf("fee query: total %d, pay %d; want 1000 and 1000", f.TotalFee, f.PayFee)
	}
	if d := event(at17, "mid-out", "exit", "out-1", day(17)); d["reason"] != "payment_required" || d["amount_due"] != 1000.0 {
		t.Fatalf("exit %v, want held for 1000", d)
	}
}
