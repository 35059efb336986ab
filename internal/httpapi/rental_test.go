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
	refusedPuts(t, e, []refusedPut{
		{"/v1/rental/stores/10001/models/100001", `{"mileage_limited":false,"mileage_limit_km":300}`, "invalid", "mileage_limit_km"},
		{"/v1/rental/stores/10001/models/100001", `{"mileage_limited":true,"mileage_limit_km":300,"over_mileage_fee":-1}`, "invalid", "over_mileage_fee"},
		// 1.50 and 0.01 yuan a km: the channels take whole yuan only.
		{"/v1/rental/stores/10001/models/100001", `{"mileage_limited":true,"mileage_limit_km":300,"over_mileage_fee":150}`, "invalid", "over_mileage_fee"},
		{"/v1/rental/stores/10001/models/100001", `{"mileage_limited":true,"mileage_limit_km":300,"over_mileage_fee":1}`, "invalid", "over_mileage_fee"},
		{"/v1/rental/stores/10001/models/100001", `{"violation_deposit":1000.005}`, "invalid", "violation_deposit"},
		{"/v1/rental/stores/10001/models/100001", `{"damage_deposit":"1000.00"}`, "invalid", "damage_deposit"},
		{"/v1/rental/stores/10001/models/nope", `{}`, "not_found", "model_code"},
		{"/v1/rental/stores/nope/models/100001", `{}`, "not_found", "store_code"},
	})
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

// TestRentalStoreRule: a store's rule is set, read and deleted; a bad one
// is refused naming the field and changes nothing.
func TestRentalStoreRule(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("PUT", "/v1/rental/stores/10001", rentalStoreJSON), 200)
	e.problem(e.do("GET", "/v1/rental/stores/10001/rule", ""), 404, "not_found")
	r := e.want(e.do("PUT", "/v1/rental/stores/10001/rule", `{"cross_city":true,"banned_cities":["110100"],"invoice":true,
		"min_days":2,"max_days":30,"advance_hours":4,"free_cancel_hours":24}`), 200)
	if r["store_code"] != "10001" || r["min_days"] != float64(2) || r["free_cancel_hours"] != float64(24) || r["deleted"] != false {
		t.Fatalf("rule %v", r)
	}
	before := string(e.do("GET", "/v1/rental/stores/10001/rule", "").body)
	refusedPuts(t, e, []refusedPut{
		{"/v1/rental/stores/10001/rule", `{"banned_cities":["110100"]}`, "invalid", "banned_cities"},
		{"/v1/rental/stores/10001/rule", `{"min_days":0}`, "invalid", "min_days"},
		{"/v1/rental/stores/10001/rule", `{"min_days":3,"max_days":2}`, "invalid", "max_days"},
		{"/v1/rental/stores/10001/rule", `{"advance_hours":-1}`, "invalid", "advance_hours"},
		{"/v1/rental/stores/10001/rule", `{"free_cancel_hours":1.5}`, "invalid", "free_cancel_hours"},
		{"/v1/rental/stores/nope/rule", `{}`, "not_found", "store_code"},
	})
	if after := string(e.do("GET", "/v1/rental/stores/10001/rule", "").body); after != before {
		t.Fatalf("refused rules changed the store's rule:\n%s\n%s", before, after)
	}
	// Left out, min_days is 1.
	if r := e.want(e.do("PUT", "/v1/rental/stores/10001/rule", `{"invoice":true}`), 200); r["min_days"] != float64(1) {
		t.Fatalf("rule %v, want min_days 1", r)
	}
	e.want(e.do("DELETE", "/v1/rental/stores/10001/rule", ""), 204)
	if r := e.want(e.do("GET", "/v1/rental/stores/10001/rule", ""), 200); r["deleted"] != true {
		t.Fatalf("rule after the delete %v, want deleted", r)
	}
}

// TestRentalDeletions: a store or model with an open order is not
// deleted (409 naming code); once the order is cancelled it is, and its
// car and terms with it.
func TestRentalDeletions(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("PUT", "/v1/rental/stores/10001", rentalStoreJSON), 200)
	e.want(e.do("PUT", "/v1/rental/models/100001", `{"name":"卡罗拉","seats":5,"fuel":"petrol","transmission":"automatic"}`), 200)
	e.want(e.do("PUT", "/v1/rental/stores/10001/models/100001", `{"daily_rate":20000}`), 200)
	e.want(e.do("PUT", "/v1/rental/vehicles/浙A12345", `{"vin":"LSVAU2180N2123456","store_code":"10001","model_code":"100001"}`), 200)
	body := `{"store_code":"10001","model_code":"100001","pickup_at":"2026-11-24T09:00:00+08:00","return_at":"2026-11-25T10:00:00+08:00"}`
	o := e.want(e.do("POST", "/v1/rental/orders", body), 201)
	for _, path := range []string{"/v1/rental/stores/10001", "/v1/rental/models/100001"} {
		if p := e.problem(e.do("DELETE", path, ""), 409, "conflict"); p["field"] != "code" {
			t.Fatalf("DELETE %s: %v, want 409 naming code", path, p)
		}
	}
	e.want(e.do("POST", "/v1/rental/orders/"+o["id"].(string)+"/cancel", ""), 200)
	e.want(e.do("DELETE", "/v1/rental/models/100001", ""), 204)
	e.want(e.do("DELETE", "/v1/rental/stores/10001", ""), 204)
	e.want(e.do("DELETE", "/v1/rental/stores/10001", ""), 204) // again: nothing more to do
	e.problem(e.do("DELETE", "/v1/rental/stores/nope", ""), 404, "not_found")
	if st := e.want(e.do("GET", "/v1/rental/stores/10001", ""), 200); st["deleted"] != true || st["active"] != false {
		t.Fatalf("store %v, want deleted and inactive", st)
	}
	vs := e.want(e.do("GET", "/v1/rental/vehicles?store=10001", ""), 200)["vehicles"].([]any)
	if len(vs) != 1 || vs[0].(map[string]any)["deleted"] != true {
		t.Fatalf("vehicles %v, want the one, retired", vs)
	}
	if p := e.problem(e.do("PUT", "/v1/rental/stores/10001/models/100001", `{}`), 409, "conflict"); p["field"] != "store_code" {
		t.Fatalf("terms on a deleted store: %v", p)
	}
}

// TestRentalStoreNeedsYuan: a store in a lot that prices in BRL is
// refused naming lot_code.
func TestRentalStoreNeedsYuan(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", `{"code":"BR1","name":"SP","timezone":"America/Sao_Paulo","currency":"BRL","capacity":10,
		"tariff":{"grace_minutes":15,"every":{"minutes":30,"price":200}}}`), 201)
	p := e.problem(e.do("PUT", "/v1/rental/stores/10001", `{"kind":"store","name":"n","address":"a","latitude":-23.55,"longitude":-46.63,"city":"330100",
		"opens":"08:00","closes":"22:00","lot_code":"BR1"}`), 400, "invalid")
	if p["field"] != "lot_code" {
		t.Fatalf("problem %v, want field lot_code", p)
	}
	e.problem(e.do("GET", "/v1/rental/stores/10001", ""), 404, "not_found")
}

// refusedPut is a PUT refused with a problem code naming a field.
type refusedPut struct{ path, body, code, field string }

func refusedPuts(t *testing.T, e *env, cases []refusedPut) {
	t.Helper()
	for _, c := range cases {
		status := 400
		if c.code == "not_found" {
			status = 404
		}
		p := e.problem(e.do("PUT", c.path, c.body), status, c.code)
		if p["field"] != c.field {
			t.Errorf("%s %s: field %v, want %s", c.path, c.body, p["field"], c.field)
		}
	}
}

// TestRentalVehiclesUnknownStore: the fleet filtered by a store that does
// not exist is 404 naming store, as the document now says; it listed only
// 200, so a generated client took the 404 for an unexpected failure.
func TestRentalVehiclesUnknownStore(t *testing.T) {
	e := newEnv(t)
	if p := e.problem(e.do("GET", "/v1/rental/vehicles?store=nope", ""), 404, "not_found"); p["field"] != "store" {
		t.Fatalf("problem %v, want the field store", p)
	}
	if !e.documents("GET", "/v1/rental/vehicles", 404) {
		t.Fatal("GET /v1/rental/vehicles answers 404 for an unknown store; the document does not list it")
	}
}

// TestRentalStoreNeedsCoordinates: a store put without its coordinates
// was kept at 0,0 (the Gulf of Guinea) and pushed there to the channels,
// which show the store on their map; it is refused naming latitude, and
// nothing is stored.
func TestRentalStoreNeedsCoordinates(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	noCoords := `{"company_code":"122","kind":"store","name":"西湖店","address":"文三路 1 号","city":"330100",
		"opens":"08:00","closes":"22:00","lot_code":"140123001"}`
	zero := `{"company_code":"122","kind":"store","name":"西湖店","address":"文三路 1 号","latitude":0,"longitude":0,
		"city":"330100","opens":"08:00","closes":"22:00","lot_code":"140123001"}`
	refusedPuts(t, e, []refusedPut{
		{"/v1/rental/stores/10001", noCoords, "invalid", "latitude"},
		{"/v1/rental/stores/10001", zero, "invalid", "latitude"},
	})
	e.problem(e.do("GET", "/v1/rental/stores/10001", ""), 404, "not_found")
	// On the equator or the prime meridian alone a store may well be.
	e.want(e.do("PUT", "/v1/rental/stores/10002", `{"kind":"store","name":"Quito","address":"a","latitude":0,"longitude":-78.5,
		"city":"170150","opens":"08:00","closes":"22:00","lot_code":"140123001"}`), 200)
}
