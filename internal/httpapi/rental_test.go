package httpapi_test

import "testing"

const rentalStoreJSON = `{"company_code":"122","kind":"store","name":"西湖店","address":"文三路 1 号","latitude":30.27,
	"longitude":120.15,"city":"330100","opens":"08:00","closes":"22:00","lot_code":"140123001"}`

// TestRentalCatalogue: an operator builds a store's catalogue; bad terms
// are refused naming the field, and change nothing.
func TestRentalCatalogue(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	st := e.want(e.do("PUT", "/v1/rental/stores/10001", rentalStoreJSON), 200)
	if st["code"] != "10001" || st["active"] != true || st["lot_code"] != "140123001" {
		t.Fatalf("store %v", st)
	}
	e.want(e.do("PUT", "/v1/rental/models/100001", `{"name":"卡罗拉","seats":5,"fuel":"petrol","transmission":"automatic"}`), 200)
	terms := `{"mileage_limited":true,"mileage_limit_km":5000,"over_mileage_fee":5000,"credit_deposit":true,
		"violation_deposit":100000,"damage_deposit":100000}`
	got := e.want(e.do("PUT", "/v1/rental/stores/10001/models/100001", terms), 200)
	if got["violation_deposit"] != float64(100000) || got["mileage_limit_km"] != float64(5000) || got["deleted"] != false {
		t.Fatalf("terms %v", got)
	}
	before := string(e.do("GET", "/v1/rental/stores/10001/models", "").body)
	for _, c := range []struct{ path, body, code, field string }{
		{"/v1/rental/stores/10001/models/100001", `{"mileage_limited":false,"mileage_limit_km":300}`, "invalid", "mileage_limit_km"},
		{"/v1/rental/stores/10001/models/100001", `{"mileage_limited":true,"mileage_limit_km":300,"over_mileage_fee":-1}`, "invalid", "over_mileage_fee"},
		{"/v1/rental/stores/10001/models/100001", `{"violation_deposit":1000.005}`, "invalid", "violation_deposit"},
		{"/v1/rental/stores/10001/models/100001", `{"damage_deposit":"1000.00"}`, "invalid", "damage_deposit"},
		{"/v1/rental/stores/10001/models/nope", `{}`, "not_found", "model_code"},
		{"/v1/rental/stores/nope/models/100001", `{}`, "not_found", "store_code"},
	} {
		status := 400
		if c.code == "not_found" {
			status = 404
		}
		p := e.problem(e.do("PUT", c.path, c.body), status, c.code)
		if p["field"] != c.field {
			t.Errorf("%s %s: field %v, want %s", c.path, c.body, p["field"], c.field)
		}
	}
	if after := string(e.do("GET", "/v1/rental/stores/10001/models", "").body); after != before {
		t.Fatalf("refused terms changed the store's terms:\n%s\n%s", before, after)
	}
	p := e.problem(e.do("PUT", "/v1/rental/stores/20002", `{"kind":"shop"}`), 400, "invalid")
	if p["field"] != "kind" {
		t.Fatalf("problem %v, want field kind", p)
	}
	p = e.problem(e.do("PUT", "/v1/rental/vehicles/浙A12345", `{"vin":"LSVAU2180N2123456","store_code":"10001","model_code":"x"}`), 404, "not_found")
	if p["field"] != "model_code" {
		t.Fatalf("problem %v, want field model_code", p)
	}
}

// TestRentalOrders: reserve the only car, a second order for the time
// finds none, a mileage before the car is back is refused, a cancel frees
// the car.
func TestRentalOrders(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("PUT", "/v1/rental/stores/10001", rentalStoreJSON), 200)
	e.want(e.do("PUT", "/v1/rental/models/100001", `{"name":"卡罗拉","seats":5,"fuel":"petrol","transmission":"automatic"}`), 200)
	e.want(e.do("PUT", "/v1/rental/stores/10001/models/100001", `{"daily_rate":20000}`), 200)
	e.want(e.do("PUT", "/v1/rental/vehicles/浙A12345", `{"vin":"LSVAU2180N2123456","store_code":"10001","model_code":"100001"}`), 200)
	body := `{"store_code":"10001","model_code":"100001","pickup_at":"2026-11-24T09:00:00+08:00","return_at":"2026-11-25T10:00:00+08:00"}`
	o := e.want(e.do("POST", "/v1/rental/orders", body), 201)
	// 25 hours: two started days at 200.00.
	if o["status"] != "awaiting_pickup" || o["plate"] != "浙A12345" || o["days"] != float64(2) || o["rent"] != float64(40000) {
		t.Fatalf("order %v", o)
	}
	p := e.problem(e.do("POST", "/v1/rental/orders", body), 409, "conflict")
	if p["field"] != "model_code" {
		t.Fatalf("problem %v", p)
	}
	id := o["id"].(string)
	e.problem(e.do("POST", "/v1/rental/orders/"+id+"/mileage", `{"mileage_km":100}`), 409, "conflict")
	e.problem(e.do("POST", "/v1/rental/orders/"+id+"/mileage", `{}`), 400, "invalid")
	if c := e.want(e.do("POST", "/v1/rental/orders/"+id+"/cancel", ""), 200); c["status"] != "cancelled" {
		t.Fatalf("cancelled %v", c)
	}
	e.want(e.do("POST", "/v1/rental/orders", body), 201)
}
